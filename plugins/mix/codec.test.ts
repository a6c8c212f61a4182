import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trackEncoding } from './codec.js';
import { MixOptions } from './options.js';

test("AAC search: 'auto' is 'fast' for more than two channels and 'twoloop' for stereo; an explicit choice wins", () => {
  const auto = MixOptions.parse({});
  assert.equal(trackEncoding('aac', auto, '5.1(side)', 6).aacCoder, 'fast');
  assert.equal(trackEncoding('aac', auto, 'stereo', 2).aacCoder, 'twoloop');
  assert.equal(trackEncoding('aac', auto, 'mono', 1).aacCoder, 'twoloop');
  assert.equal(trackEncoding('aac', MixOptions.parse({ aacCoder: 'twoloop' }), '5.1(side)', 6).aacCoder, 'twoloop');
  assert.equal(trackEncoding('aac', MixOptions.parse({ aacCoder: 'fast' }), 'stereo', 2).aacCoder, 'fast');
  assert.equal(trackEncoding('opus', auto, 'stereo', 2).aacCoder, undefined, 'only AAC has the option');
  assert.equal(trackEncoding('flac', auto, '5.1(side)', 6).aacCoder, undefined);
});
