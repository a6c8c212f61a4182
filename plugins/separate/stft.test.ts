import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MdxSpectrogram } from './stft.js';

/** What torch.stft(center=True, reflect padding, periodic Hann) gives for bin f of frame t, by the definition. */
function dft(x: Float32Array, nFft: number, hop: number, t: number, f: number): [number, number] {
  const half = nFft / 2;
  const at = (i: number) => (i < 0 ? x[-i]! : i >= x.length ? x[2 * (x.length - 1) - i]! : x[i]!);
  let re = 0;
  let im = 0;
  for (let n = 0; n < nFft; n++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / nFft);
    const v = at(t * hop + n - half) * w;
    re += v * Math.cos((2 * Math.PI * f * n) / nFft);
    im -= v * Math.sin((2 * Math.PI * f * n) / nFft);
  }
  return [re, im];
}

test('the model tensor is torch.stft of each channel: [L.re, L.im, R.re, R.im] x dim_f bins x dim_t frames, lowest bins zeroed', async () => {
  const shape = { nFft: 256, hop: 64, dimF: 100, dimT: 9, zeroLowBins: 3 };
  const s = await MdxSpectrogram.create(shape);
  const n = s.chunkFrames;
  assert.equal(n, 64 * 8);
  const left = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.3) + 0.2 * Math.cos(i * 0.05));
  const right = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(i * 1.1 + 1) + (i % 7) / 20);
  const tensor = new Float32Array(s.tensorSize);
  s.analyse([left, right], tensor);
  const at = (ch: number, f: number, t: number) => tensor[(ch * shape.dimF + f) * shape.dimT + t]!;
  for (const [c, x] of [[0, left], [1, right]] as const) {
    for (const t of [0, 1, 4, 8]) {
      for (const f of [0, 2, 3, 10, 57, 99]) {
        const [re, im] = f < 3 ? [0, 0] : dft(x, shape.nFft, shape.hop, t, f);
        assert.ok(Math.abs(at(2 * c, f, t) - re) < 1e-3 && Math.abs(at(2 * c + 1, f, t) - im) < 1e-3,
          `channel ${c} frame ${t} bin ${f}: ${at(2 * c, f, t)} ${at(2 * c + 1, f, t)} vs ${re} ${im}`);
      }
    }
  }
  s.dispose();
});

test('the residual of an untouched spectrum is exactly zero; of an emptied one, the chunk itself (istft inverts stft)', async () => {
  const shape = { nFft: 512, hop: 128, dimF: 257, dimT: 12, zeroLowBins: 0 };
  const s = await MdxSpectrogram.create(shape);
  const n = s.chunkFrames;
  const x = [0, 1].map((c) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * (0.01 + c * 0.2)) * 0.8));
  const tensor = new Float32Array(s.tensorSize);
  s.analyse(x, tensor);
  const out = [new Float64Array(n), new Float64Array(n)];
  s.residual(tensor, out);
  for (let c = 0; c < 2; c++) assert.ok(out[c]!.every((v) => v === 0), `channel ${c}: a model that changes nothing leaves no residual`);
  s.residual(new Float32Array(s.tensorSize), out);
  for (let c = 0; c < 2; c++) {
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[c]![i]! - x[c]![i]!));
    assert.ok(worst < 1e-5, `channel ${c}: istft(stft(x)) differs from x by ${worst}`);
  }
  s.dispose();
});
