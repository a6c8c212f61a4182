import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckEnvelope } from './duck-envelope.js';

const db = (g: number) => 20 * Math.log10(g);

test('the original ramps down before a line, stays down while it plays, ramps back up after it', () => {
  // 1 frame = 1 ms here: attack 60, release 250, one line over [1000, 2000).
  const env = new DuckEnvelope([{ startFrame: 1000, endFrame: 2000 }], -12, 60, 250);
  const g = new Float32Array(3000);
  assert.equal(env.fill(g, 0, 3000), true);
  assert.equal(g[939], 1, 'untouched before the attack');
  assert.ok(Math.abs(db(g[970]!) - -6) < 0.3, `half way down: ${db(g[970]!)} dB`);
  assert.ok(Math.abs(db(g[1000]!) - -12) < 1e-4 && Math.abs(db(g[1999]!) - -12) < 1e-4);
  assert.ok(Math.abs(db(g[2125]!) - -6) < 0.2, `half way up: ${db(g[2125]!)} dB`);
  assert.equal(g[2250], 1, 'back to 0 dB after the release');
  for (let i = 1; i < 1000; i++) assert.ok(g[i]! <= g[i - 1]!, 'monotonic down');
  assert.deepEqual(env.regions(), { count: 1, frames: 60 + 1000 + 250 });
});

test('block by block equals all at once; close lines keep the original down between them', () => {
  const spans = [{ startFrame: 500, endFrame: 900 }, { startFrame: 1000, endFrame: 1400 }, { startFrame: 5000, endFrame: 5100 }];
  const whole = new Float32Array(6000);
  new DuckEnvelope(spans, -12, 60, 250).fill(whole, 0, 6000);
  const blocks = new Float32Array(6000);
  const env = new DuckEnvelope(spans, -12, 60, 250);
  const part = new Float32Array(700);
  for (let at = 0; at < 6000; at += 700) {
    const n = Math.min(700, 6000 - at);
    env.fill(part, at, n);
    blocks.set(part.subarray(0, n), at);
  }
  assert.deepEqual(blocks, whole);
  for (let i = 900; i < 1000; i++) assert.ok(Math.abs(db(whole[i]!) - -12) < 1e-4, 'the 100 ms gap between the first two lines stays ducked');
  assert.equal(whole[3000], 1);
  assert.equal(new DuckEnvelope(spans, -12, 60, 250).regions().count, 2);
});
