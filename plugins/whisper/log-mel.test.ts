import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { builderPath, DEBIAN_PYTHON } from '../../test/fixtures/tiny-models.js';
import { speechWav } from '../../test/fixtures/speech.js';
import { readWav } from '../sdk/wav.js';
import { ComplexFft } from './fft.js';
import { hzToMel, LogMel, melFilters, melToHz, WINDOW_FRAMES, WINDOW_SAMPLES } from './log-mel.js';

const run = promisify(execFile);

/** The numpy reference (test/fixtures/onnx/whisper_log_mel.py) on the same samples. */
async function reference(samples: Float32Array, nMels: number): Promise<Float32Array> {
  const dir = await mkdtemp(join(tmpdir(), 'whisper-mel-'));
  try {
    await writeFile(join(dir, 'in.f32'), Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
    await run(DEBIAN_PYTHON, [builderPath('whisper_log_mel.py'), join(dir, 'in.f32'), join(dir, 'out.f32'), String(nMels), String(WINDOW_SAMPLES)]);
    const b = await readFile(join(dir, 'out.f32'));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

test('the mixed-radix FFT equals a direct DFT for n = 400 and n = 200', () => {
  for (const n of [400, 200, 60]) {
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + (i % 7) * 0.1);
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.11) * 0.5);
    const [r0, i0] = [re.slice(), im.slice()];
    new ComplexFft(n).transform(re, im);
    for (const k of [0, 1, 7, n / 2, n - 1]) {
      let sr = 0, si = 0;
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * k * t) / n;
        sr += r0[t]! * Math.cos(a) - i0[t]! * Math.sin(a);
        si += r0[t]! * Math.sin(a) + i0[t]! * Math.cos(a);
      }
      assert.ok(Math.abs(re[k]! - sr) < 1e-9 && Math.abs(im[k]! - si) < 1e-9, `n=${n} k=${k}: ${re[k]},${im[k]} vs ${sr},${si}`);
    }
  }
});

test('Slaney mel scale and filters: known values', () => {
  assert.equal(hzToMel(0), 0);
  assert.equal(hzToMel(1000), 15);
  assert.ok(Math.abs(hzToMel(8000) - 45.245640471924965) < 1e-9);
  assert.ok(Math.abs(melToHz(hzToMel(3456)) - 3456) < 1e-9);
  const f = melFilters(80);
  assert.equal(f.length, 80);
  // The first band peaks at its centre (melToHz(45.2456/81) = 37.2 Hz, between bins 0 and 1),
  // and every band is area-normalized: weights * bin width sum to about 1 (Slaney's norm).
  assert.equal(f[0]!.first, 1);
  const area = (m: number) => f[m]!.weights.reduce((a, b) => a + b, 0) * 40;
  for (const m of [10, 40, 79]) assert.ok(Math.abs(area(m) - 1) < 0.12, `band ${m} area ${area(m)}`);
});

test('digital silence gives (log10(1e-10) + 4) / 4 = -1.5 everywhere; a 1 kHz tone peaks in the band around 1 kHz', () => {
  const mel = new LogMel(80);
  const silence = mel.compute(new Float32Array(16000));
  assert.ok(silence.every((v) => v === -1.5));
  const tone = Float32Array.from({ length: 32000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16000));
  const f = mel.compute(tone);
  const at = (m: number, t: number) => f[m * WINDOW_FRAMES + t]!;
  let best = 0;
  for (let m = 1; m < 80; m++) if (at(m, 50) > at(best, 50)) best = m;
  const centres = Array.from({ length: 82 }, (_, i) => melToHz((hzToMel(8000) * i) / 81));
  assert.ok(centres[best]! <= 1000 && 1000 <= centres[best + 2]!, `peak band ${best} (${centres[best + 1]} Hz)`);
  // After the tone (2 s) the frames are padding: the floor, max - 8, in normalized units.
  const max = f.reduce((a, b) => Math.max(a, b), -Infinity);
  assert.ok(Math.abs(at(best, 2900) - (max - 2)) < 1e-6, `padding at ${at(best, 2900)}, max ${max}`);
});

test('log-mel equals the numpy reference on speech (full window and a short, padded one; 80 and 128 bands)', async () => {
  const speech = await speechWav();
  const all = (await readWav(speech.path)).channels[0]!;
  for (const [samples, nMels] of [[all.subarray(0, WINDOW_SAMPLES), 80], [all.subarray(16000, 16000 + 117_000), 80], [all.subarray(0, 200_000), 128]] as const) {
    const ours = new LogMel(nMels).compute(samples);
    const ref = await reference(samples, nMels);
    const d = maxAbsDiff(ours, ref);
    assert.ok(d < 1e-4, `${samples.length} samples, ${nMels} bands: max difference ${d}`);
  }
});
