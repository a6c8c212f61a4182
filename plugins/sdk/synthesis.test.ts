import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableSlots, rateToFit, synthesizeToFit, type SlotUnit } from './synthesis.js';

interface TextUnit extends SlotUnit { text: string }

/** Lets the event loop turn `turns` times: work that takes a while, without a clock. */
async function yieldTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/** A fake engine: 100 ms per character at rate 1, proportionally shorter when faster. */
function fakeEngine(dir: string, log: Array<{ id: string; rate: number }>) {
  let n = 0;
  return async (unit: TextUnit, rate: number) => {
    log.push({ id: unit.id, rate });
    await yieldTurns(1);
    const file = join(dir, `${unit.id}-${n++}.wav`);
    await writeFile(file, '');
    return { file, durationMs: Math.round((unit.text.length * 100) / rate) };
  };
}

test('availableSlots: a unit may run into the gap before the next one, never past its start', () => {
  const units = [
    { id: 'c', start: 9000, end: 9500 },
    { id: 'a', start: 0, end: 1000 },
    { id: 'b', start: 1500, end: 2000 },
    { id: 'overlapping', start: 1800, end: 2600 },
  ];
  assert.deepEqual(availableSlots(units), [500, 1500, 500, 7200]);
});

test('rateToFit: never slower than 1, never faster than the bound', () => {
  assert.equal(rateToFit(900, 1000, 1.25, 0), 1);
  assert.equal(rateToFit(1100, 1000, 1.25, 0), 1.1);
  assert.ok(Math.abs(rateToFit(1100, 1000, 1.25, 0.05) - 1.155) < 1e-9);
  assert.equal(rateToFit(3000, 1000, 1.25, 0), 1.25);
  assert.equal(rateToFit(3000, 0, 1.25, 0), 1.25);
});

test('synthesizeToFit: re-synthesizes only overflowing units, once, at the bounded rate; keeps the kept file only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-synthesis-'));
  try {
    const calls: Array<{ id: string; rate: number }> = [];
    const units: TextUnit[] = [
      { id: 'fits', start: 0, end: 1000, text: '12345' },          // 500 ms in 1000
      { id: 'gap', start: 1000, end: 1500, text: '12345678' },     // 800 ms: fits using the gap until 2000
      { id: 'tight', start: 2000, end: 3000, text: '123456789012' }, // 1200 ms in 1000 -> rate 1.2 * 1.05
      { id: 'hopeless', start: 3000, end: 3500, text: '1234567890' }, // 1000 ms in 500 -> capped at 1.25
    ];
    const fitted = await synthesizeToFit(units, fakeEngine(dir, calls), { supportsRate: true, maxRate: 1.25 });
    assert.deepEqual(fitted.map((f) => [f.id, f.rate, f.availableMs]), [['fits', 1, 1000], ['gap', 1, 1000], ['tight', 1.25, 1000], ['hopeless', 1.25, 500]]);
    assert.deepEqual(calls.map((c) => `${c.id}@${c.rate}`), ['fits@1', 'gap@1', 'tight@1', 'tight@1.25', 'hopeless@1', 'hopeless@1.25']);
    assert.equal(fitted[2]!.overflowMs, 0);
    assert.equal(fitted[3]!.overflowMs, 300);
    assert.equal(fitted[3]!.resynthesized, true);
    assert.deepEqual((await readdir(dir)).sort(), fitted.map((f) => f.file.slice(dir.length + 1)).sort(), 'discarded clips are removed');

    const noRate: typeof calls = [];
    const plain = await synthesizeToFit(units, fakeEngine(dir, noRate), { supportsRate: false });
    assert.deepEqual(plain.map((f) => f.rate), [1, 1, 1, 1]);
    assert.equal(noRate.length, 4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('synthesizeToFit: runs up to `concurrency` units at once and reports each', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-synthesis-'));
  try {
    let running = 0;
    let peak = 0;
    const engine = fakeEngine(dir, []);
    const units: TextUnit[] = Array.from({ length: 6 }, (_, i) => ({ id: `u${i}`, start: i * 1000, end: i * 1000 + 900, text: 'ab' }));
    const progress: number[] = [];
    await synthesizeToFit(units, async (u, r) => {
      peak = Math.max(peak, ++running);
      await yieldTurns(3);
      running--;
      return engine(u, r);
    }, { supportsRate: true, concurrency: 3, onUnitDone: (done) => progress.push(done) });
    assert.equal(peak, 3);
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('synthesizeToFit: the first failure is thrown after running units settle; no new unit starts', async () => {
  const started: string[] = [];
  const units: TextUnit[] = Array.from({ length: 5 }, (_, i) => ({ id: `u${i}`, start: i * 1000, end: i * 1000 + 900, text: 'ab' }));
  let slowFinished = false;
  await assert.rejects(synthesizeToFit(units, async (u) => {
    started.push(u.id);
    if (u.id === 'u0') throw new Error('engine broke');
    await yieldTurns(5);
    slowFinished = true;
    return { file: '/nonexistent', durationMs: 10 };
  }, { supportsRate: false, concurrency: 2 }), /engine broke/);
  assert.equal(slowFinished, true, 'the running unit finished before the error surfaced');
  assert.deepEqual(started, ['u0', 'u1']);
});
