import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentModelLease, endStandingLease, withModelLease } from './model-lease.js';
import { defineStage, type StageContext } from './plugin.js';
import { DubarrError } from './errors.js';

const ctx = (signal = new AbortController().signal) => ({ signal, cancelFlag: new Int32Array(new SharedArrayBuffer(4)) }) as unknown as StageContext;

test('a stage made with defineStage runs in a lease of its own, whose clean-ups run when it returns or throws', async () => {
  const ended: string[] = [];
  const outside = currentModelLease();
  const stage = defineStage(async (input) => {
    const lease = currentModelLease();
    assert.notEqual(lease, outside, 'not the thread\'s standing lease');
    lease.onEnd.push(() => ended.push(String(input.options)));
    await new Promise((r) => setImmediate(r));
    assert.equal(currentModelLease(), lease, 'the same lease across awaits');
    assert.ok(!ended.includes(String(input.options)), 'not before the stage returns');
    if (input.options === 'fail') throw new DubarrError('E_PROVIDER_FAILED', 'no');
    return {};
  });
  await Promise.all([stage({ options: 'a', params: {}, inputs: {} }, ctx()), stage({ options: 'b', params: {}, inputs: {} }, ctx())]);
  assert.deepEqual(ended.sort(), ['a', 'b'], 'two stages at once on one thread: two leases');
  await assert.rejects(stage({ options: 'fail', params: {}, inputs: {} }, ctx()), { code: 'E_PROVIDER_FAILED' });
  assert.deepEqual(ended.sort(), ['a', 'b', 'fail']);
});

test('the lease carries the stage\'s signal; outside any stage, code gets the thread\'s standing lease until it is ended', async () => {
  const stop = new AbortController();
  await withModelLease(stop.signal, async () => { assert.equal(currentModelLease().signal, stop.signal); });
  const standing = currentModelLease();
  assert.equal(currentModelLease(), standing);
  let ended = false;
  standing.onEnd.push(() => { ended = true; });
  endStandingLease();
  assert.equal(ended, true);
  assert.notEqual(currentModelLease(), standing, 'a new standing lease after');
});
