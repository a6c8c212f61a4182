import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encoderLayout, loudnessWeight } from './channel-layout.js';

test('Opus gets a layout it takes; AAC and FLAC keep the source layout', () => {
  assert.equal(encoderLayout('opus', '5.1(side)', 6), '5.1');
  assert.equal(encoderLayout('opus', '5.1', 6), undefined);
  assert.equal(encoderLayout('opus', '2.1', 3), '3.0');
  assert.equal(encoderLayout('aac', '5.1(side)', 6), undefined);
  assert.equal(encoderLayout('flac', 'quad', 4), undefined);
});

test('BS.1770 weights: surrounds +1.5 dB, LFE left out', () => {
  assert.deepEqual(['FL', 'FC', 'LFE', 'SL', 'BR'].map(loudnessWeight), [1, 1, 0, 1.41, 1.41]);
});
