import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModelBudget, ModelBudget } from './model-budget.js';

// Holders stand for threads; each view acts for one holder on the same shared memory, as the
// threads of the process do.
const holders = (buffer: SharedArrayBuffer, ...ids: number[]) => ids.map((id) => new ModelBudget(buffer, id));

/** Whether a promise has settled, after letting every pending callback run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => { done = true; }, () => { done = true; });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
}

test('megabytes: a reservation that would pass maxResidentMb across all holders is refused, and given-back room is reusable', () => {
  const [a, b] = holders(createModelBudget({ maxResidentMb: 10, gpuConcurrency: 1 }), 101, 102);
  assert.equal(a!.tryReserveMb(6), true);
  assert.equal(b!.tryReserveMb(5), false, '6 + 5 > 10');
  assert.equal(b!.usage().ownMb, 0, 'a refused reservation takes nothing');
  assert.equal(b!.tryReserveMb(4), true, '6 + 4 = 10 fits exactly');
  assert.deepEqual(a!.usage(), { residentMb: 10, gpuTokens: 0, ownMb: 6, ownGpuTokens: 0 });
  a!.releaseMb(6);
  assert.equal(b!.tryReserveMb(6), true);
  assert.equal(b!.usage().residentMb, 10);
});

test('GPU token: with gpuConcurrency 1 a second holder waits until the first gives its token back', async () => {
  const [first, second] = holders(createModelBudget({ maxResidentMb: 100, gpuConcurrency: 1 }), 201, 202);
  assert.equal(first!.tryTakeGpu(), true);
  const waiting = second!.takeGpu();
  assert.equal(await settled(waiting), false, 'no token is free, so the wait cannot end');
  assert.equal(second!.usage().ownGpuTokens, 0);
  first!.releaseGpu();
  await waiting;
  assert.deepEqual([first!.usage().ownGpuTokens, second!.usage().ownGpuTokens, second!.usage().gpuTokens], [0, 1, 1]);
});

test('GPU token: gpuConcurrency 2 lets two holders in at once, the third waits', async () => {
  const [a, b, c] = holders(createModelBudget({ maxResidentMb: 100, gpuConcurrency: 2 }), 301, 302, 303);
  await a!.takeGpu();
  await b!.takeGpu();
  const third = c!.takeGpu();
  assert.equal(await settled(third), false);
  b!.releaseGpu();
  await third;
  assert.equal(a!.usage().gpuTokens, 2);
});

test('GPU token: a cancelled wait ends with E_CANCELLED and takes nothing', async () => {
  const [holder, waiter] = holders(createModelBudget({ maxResidentMb: 100, gpuConcurrency: 1 }), 401, 402);
  assert.equal(holder!.tryTakeGpu(), true);
  const stop = new AbortController();
  const waiting = waiter!.takeGpu(stop.signal);
  assert.equal(await settled(waiting), false);
  stop.abort();
  await assert.rejects(waiting, { code: 'E_CANCELLED' });
  holder!.releaseGpu();
  assert.equal(waiter!.usage().gpuTokens, 0, 'the cancelled waiter did not take the freed token');
});

test('a holder that is gone (its thread exited) is forgotten: its megabytes and token are freed and waiters woken', async () => {
  const buffer = createModelBudget({ maxResidentMb: 10, gpuConcurrency: 1 });
  const [dead, alive] = holders(buffer, 501, 502);
  assert.equal(dead!.tryReserveMb(8), true);
  assert.equal(dead!.tryTakeGpu(), true);
  const waiting = alive!.takeGpu();
  // What the stage pool does on the main thread when a worker's 'exit' fires.
  new ModelBudget(buffer, 1).forgetHolder(501);
  await waiting;
  assert.equal(alive!.tryReserveMb(10), true, 'the dead holder\'s 8 MB are free again');
  assert.deepEqual(alive!.usage(), { residentMb: 10, gpuTokens: 1, ownMb: 10, ownGpuTokens: 1 });
});

test('asking for room bumps the pressure generation and says how much is wanted; listeners wake', async () => {
  const [asker, listener] = holders(createModelBudget({ maxResidentMb: 10, gpuConcurrency: 1 }), 601, 602);
  const seen = listener!.pressure().generation;
  const woken = listener!.nextPressure(seen);
  assert.equal(await settled(woken), false);
  asker!.askForRoom(7);
  await woken;
  assert.deepEqual(listener!.pressure(), { generation: seen + 1, mb: 7 });
});
