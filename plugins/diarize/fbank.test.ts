import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FBANK, Fbank } from './fbank.js';
import { Fft, RealPowerSpectrum } from './fft.js';
import { FBANK_REFERENCE } from './fbank.reference.js';

const SR = 16000;

/** The signal test/fixtures/fbank_reference.py gave torchaudio: tones, a chirp, a gated tone. */
function signal(): Float32Array {
  const x = new Float32Array(8000);
  for (let n = 0; n < x.length; n++) {
    const t = n / SR;
    x[n] = 0.25 * Math.sin(2 * Math.PI * 220 * t)
      + 0.12 * Math.sin(2 * Math.PI * 1375 * t + 0.5)
      + 0.05 * Math.sin(2 * Math.PI * 5120 * t) * (n % 7) / 7
      + 0.1 * Math.sin(2 * Math.PI * (100 * t + 3000 * t * t));
  }
  return x;
}

test('fbank matches torchaudio.compliance.kaldi.fbank (hamming x32768 and povey x1)', () => {
  const x = signal();
  for (const c of FBANK_REFERENCE.cases) {
    const fbank = new Fbank({ ...DEFAULT_FBANK, window: c.window, sampleScale: c.sampleScale });
    const feats = fbank.compute(x);
    assert.equal(fbank.frameCount(x.length), c.frameCount);
    assert.equal(feats.length, c.frameCount * 80);
    FBANK_REFERENCE.frames.forEach((frame, i) => {
      const want = c.values[i]!;
      for (let b = 0; b < 80; b++) {
        const got = feats[frame * 80 + b]!;
        assert.ok(Math.abs(got - want[b]!) < 2e-3, `${c.window} frame ${frame} bin ${b}: ${got} vs torchaudio ${want[b]}`);
      }
    });
  }
});

test('fbank: a frame is computed from its own 400 samples only; silence is the epsilon floor', () => {
  const fbank = new Fbank();
  const x = signal();
  const all = fbank.compute(x);
  const one = new Float32Array(80);
  fbank.frame(x.subarray(160 * 5), 0, one, 0);
  assert.deepEqual([...one], [...all.subarray(5 * 80, 6 * 80)]);
  assert.equal(fbank.frameCount(399), 0);
  assert.equal(fbank.frameCount(400), 1);
  assert.equal(fbank.frameCount(559), 1);
  assert.equal(fbank.frameCount(560), 2);
  const silent = fbank.compute(new Float32Array(400));
  for (const v of silent) assert.ok(Math.abs(v - Math.log(1.1920928955078125e-7)) < 1e-6);
});

test('fft: a unit impulse is flat, a cosine on bin k is two spikes of size/2', () => {
  const fft = new Fft(16);
  const re = new Float64Array(16);
  const im = new Float64Array(16);
  re[0] = 1;
  fft.transform(re, im);
  for (let k = 0; k < 16; k++) assert.ok(Math.abs(re[k]! - 1) < 1e-12 && Math.abs(im[k]!) < 1e-12);
  for (let n = 0; n < 16; n++) { re[n] = Math.cos((2 * Math.PI * 3 * n) / 16); im[n] = 0; }
  fft.transform(re, im);
  for (let k = 0; k < 16; k++) {
    const mag = Math.hypot(re[k]!, im[k]!);
    assert.ok(Math.abs(mag - (k === 3 || k === 13 ? 8 : 0)) < 1e-9, `bin ${k}: ${mag}`);
  }
  assert.throws(() => new Fft(12));
});

test('real power spectrum from a half-size FFT equals |FFT|² of the frame as a complex signal', () => {
  const frame = Float64Array.from({ length: 64 }, (_, n) => Math.sin(n * 0.37) + 0.5 * Math.cos(n * 1.9) + (n % 5) / 5);
  const re = Float64Array.from(frame);
  const im = new Float64Array(64);
  new Fft(64).transform(re, im);
  const power = new Float64Array(32);
  new RealPowerSpectrum(64).compute(frame, power);
  for (let k = 0; k < 32; k++) assert.ok(Math.abs(power[k]! - (re[k]! ** 2 + im[k]! ** 2)) < 1e-9 * (1 + power[k]!), `bin ${k}`);
});
