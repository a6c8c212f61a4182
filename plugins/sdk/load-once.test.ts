import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOnce } from './load-once.js';

test('loadOnce shares one load among callers, and forgets a failed one so the next caller tries again', async () => {
  let calls = 0;
  const load = loadOnce(async () => {
    calls++;
    await new Promise((r) => setImmediate(r));
    if (calls === 1) throw new Error('the package is being upgraded');
    return `loaded by call ${calls}`;
  });
  const [a, b] = await Promise.allSettled([load(), load()]);
  assert.equal(calls, 1, 'callers during a load share it');
  assert.deepEqual([a.status, b.status], ['rejected', 'rejected']);
  assert.equal(await load(), 'loaded by call 2', 'the failure was not kept');
  assert.equal(await load(), 'loaded by call 2');
  assert.equal(calls, 2, 'a success is kept');
});
