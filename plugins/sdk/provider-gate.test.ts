import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DubarrError } from './errors.js';
import { fakeClock } from './fault-server.testkit.js';
import { ProviderGate, providerGate } from './provider-gate.js';

const turns = async (n = 5) => { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); };

test('ProviderGate lets `concurrency` requests in at once; the next starts when one is released', async () => {
  const gate = new ProviderGate({ concurrency: 2, requestsPerSecond: 0 }, fakeClock());
  const r1 = await gate.acquire();
  const r2 = await gate.acquire();
  let third: (() => void) | undefined;
  const p3 = gate.acquire().then((r) => { third = r; });
  await turns();
  assert.equal(third, undefined, 'the third waits');
  assert.equal(gate.inFlight, 2);
  r1();
  r1(); // a second release of the same slot changes nothing
  await p3;
  assert.equal(gate.inFlight, 2, 'the slot was handed over');
  r2();
  third!();
  assert.equal(gate.inFlight, 0);
});

test('a request waiting for a slot is cancelled by the stage signal and leaves the queue', async () => {
  const gate = new ProviderGate({ concurrency: 1, requestsPerSecond: 0 }, fakeClock());
  const r1 = await gate.acquire();
  const cancel = new AbortController();
  const waiting = gate.acquire(cancel.signal);
  cancel.abort();
  await assert.rejects(waiting, (e) => e instanceof DubarrError && e.code === 'E_CANCELLED');
  r1();
  assert.equal(gate.inFlight, 0, 'the cancelled waiter did not take the slot');
  (await gate.acquire())();
});

test('the rate limit spaces starts 1/rps apart, and a server pause holds back every request of the provider', async () => {
  const clock = fakeClock();
  const gate = new ProviderGate({ concurrency: 10, requestsPerSecond: 2 }, clock);
  for (let i = 0; i < 3; i++) (await gate.acquire())();
  assert.deepEqual(clock.waits, [500, 500]);
  gate.pauseFor(5000);
  (await gate.acquire())();
  assert.deepEqual(clock.waits, [500, 500, 5000]);
});

test('providerGate is one gate per provider name in a thread; later calls update its limits', () => {
  const a = providerGate('gate-test-a', { concurrency: 1, requestsPerSecond: 0 });
  assert.equal(providerGate('gate-test-a', { concurrency: 3, requestsPerSecond: 1 }), a);
  assert.deepEqual(a.limits, { concurrency: 3, requestsPerSecond: 1 });
  assert.notEqual(providerGate('gate-test-b', { concurrency: 1, requestsPerSecond: 0 }), a);
});
