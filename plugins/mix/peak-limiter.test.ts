import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeakLimiter } from './peak-limiter.js';

const CEILING = 0.891;

/** Stereo blocks of 1000 frames at 0.5; channel 1 is not limited. */
function run(spikeAt: number[]): { out: Float32Array; limiter: PeakLimiter } {
  const limiter = new PeakLimiter(2, [0], 100, 200);
  const out = new Float32Array(3000 * 2);
  let written = 0;
  const emit = (p: { block: Float32Array; frames: number } | null) => {
    if (!p) return;
    out.set(p.block.subarray(0, p.frames * 2), written * 2);
    written += p.frames;
  };
  for (let b = 0; b < 3; b++) {
    const block = new Float32Array(2000).fill(0.5);
    let need: Float32Array | null = null;
    for (const s of spikeAt) {
      const i = s - b * 1000;
      if (i < 0 || i >= 1000) continue;
      block[i * 2] = 1.5;
      block[i * 2 + 1] = 1.5;
      need ??= new Float32Array(1000).fill(1);
      need[i] = CEILING / 1.5;
    }
    emit(limiter.push(block, 1000, need));
  }
  emit(limiter.flush());
  assert.equal(written, 3000);
  return { out, limiter };
}

test('a peak over the ceiling is brought down to it, with the gain ramped down before it, even across blocks', () => {
  const { out, limiter } = run([1020]);
  const ch0 = (i: number) => out[i * 2]!;
  assert.ok(ch0(1020) <= CEILING + 1e-6, `${ch0(1020)}`);
  assert.ok(ch0(990) < 0.5 && ch0(990) > 0.3, 'the ramp starts in the previous block');
  assert.equal(ch0(900), 0.5, 'nothing before the look-ahead');
  assert.ok(ch0(1100) < 0.5 && ch0(2999) > 0.49, 'released smoothly, back to unity');
  assert.equal(out[1020 * 2 + 1], 1.5, 'a channel that is not limited is left alone');
  assert.ok(limiter.stats().limitedFrames > 100 && Math.abs(limiter.stats().maxReductionDb - 20 * Math.log10(1.5 / CEILING)) < 0.01);
});

test('blocks that need nothing pass through untouched', () => {
  const { out, limiter } = run([]);
  assert.ok(out.every((v) => v === 0.5));
  assert.deepEqual(limiter.stats(), { limitedFrames: 0, maxReductionDb: 0 });
});
