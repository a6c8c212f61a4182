import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoudnessMeter } from './loudness-meter.js';
import { TruePeakMeter } from './true-peak.js';

const sine = (hz: number, db: number, seconds: number, rate: number, phase = 0) =>
  new Float32Array(Math.round(seconds * rate)).map((_, i) => 10 ** (db / 20) * Math.sin((2 * Math.PI * hz * i) / rate + phase));

function interleave(channels: Float32Array[]): Float32Array {
  const n = channels[0]!.length;
  const out = new Float32Array(n * channels.length);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels.length; c++) out[i * channels.length + c] = channels[c]![i]!;
  return out;
}

for (const rate of [48_000, 44_100, 22_050]) {
  test(`BS.1770 reference at ${rate} Hz: a 997 Hz sine at -20 dBFS reads -23.0 LUFS in one channel, -20.0 in two`, () => {
    const x = sine(997, -20, 10, rate);
    const mono = new LoudnessMeter(rate, [1]);
    mono.add(x, x.length);
    assert.ok(Math.abs(mono.integratedLufs()! - -23.01) < 0.1, `${mono.integratedLufs()}`);
    const stereo = new LoudnessMeter(rate, [1, 1]);
    stereo.add(interleave([x, x]), x.length);
    assert.ok(Math.abs(stereo.integratedLufs()! - -20.0) < 0.1, `${stereo.integratedLufs()}`);
  });
}

test('gating: silence does not lower the reading, a much quieter passage hardly does; LFE does not count', () => {
  const rate = 48_000;
  const loud = sine(997, -20, 10, rate);
  const m = new LoudnessMeter(rate, [1]);
  m.add(loud, loud.length);
  m.add(new Float32Array(rate * 10), rate * 10);
  m.add(sine(997, -45, 10, rate), rate * 10);
  assert.ok(Math.abs(m.integratedLufs()! - -23.01) < 0.1, `${m.integratedLufs()}`);
  assert.equal(new LoudnessMeter(rate, [1]).integratedLufs(), null, 'nothing measured');
  const lfe = new LoudnessMeter(rate, [1, 0]);
  lfe.add(interleave([loud, sine(60, 0, 10, rate)]), loud.length);
  assert.ok(Math.abs(lfe.integratedLufs()! - -23.01) < 0.1);
});

test('true peak finds the overs between samples', () => {
  // A quarter-rate sine sampled 45° off its crests: every sample at 0.707, the wave at 1.0.
  const x = sine(12_000, 0, 0.1, 48_000, Math.PI / 4);
  const t = new TruePeakMeter();
  t.add(x);
  assert.ok(Math.abs(t.dbtp()! - 0) < 0.3, `${t.dbtp()} dBTP (sample peak ${20 * Math.log10(Math.max(...x.map(Math.abs)))} dBFS)`);
  const quiet = new TruePeakMeter();
  quiet.add(sine(1000, -12, 0.1, 48_000));
  assert.ok(Math.abs(quiet.dbtp()! - -12) < 0.1);
  assert.equal(new TruePeakMeter().dbtp(), null);
});
