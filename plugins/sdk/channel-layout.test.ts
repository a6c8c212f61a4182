import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planChannels } from './channel-layout.js';

test('the dub goes to the centre where there is one, else the front pair, else channel 0', () => {
  const at = (layout: string, count: number) => {
    const p = planChannels(layout, count);
    return p.dub.map((i) => p.names[i]);
  };
  assert.deepEqual(at('mono', 1), ['FC']);
  assert.deepEqual(at('stereo', 2), ['FL', 'FR']);
  assert.deepEqual(at('5.1', 6), ['FC']);
  assert.deepEqual(at('5.1(side)', 6), ['FC']);
  assert.deepEqual(at('7.1', 8), ['FC']);
  assert.deepEqual(at('quad', 4), ['FL', 'FR']);
  assert.deepEqual(at('2.1', 3), ['FL', 'FR']);
  assert.deepEqual(at('downmix', 2), ['DL', 'DR']);
  assert.deepEqual(at('FL+FR+LFE', 3), ['FL', 'FR'], 'a custom order is read from its names');
  assert.deepEqual(at('3 channels (FR+FL+FC)', 3), ['FC']);
  assert.deepEqual(at('6 channels', 6), ['FC'], 'a bare count is taken as libav\'s default layout');
  assert.deepEqual(planChannels('6 channels', 6).layout, '5.1');
  assert.deepEqual(at('12 channels', 12), ['c0']);
});

test('channel masks follow the WAVEFORMATEXTENSIBLE bits; names outside them give 0 (libav guesses)', () => {
  assert.equal(planChannels('5.1(side)', 6).mask, 0x60f);
  assert.equal(planChannels('5.1', 6).mask, 0x3f);
  assert.equal(planChannels('stereo', 2).mask, 0x3);
  assert.equal(planChannels('downmix', 2).mask, 0);
});
