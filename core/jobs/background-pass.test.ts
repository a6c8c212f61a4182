import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BackgroundPass } from './background-pass.js';

const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A pass that stays open until the test releases it (the first one only; later passes finish
 * at once), counting the passes that started.
 */
function heldPass() {
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  const p = { started: 0, release, run: async () => { if (++p.started === 1) await held; } };
  return p;
}

test('a request made at any moment while a pass is ending is answered by a pass that starts after it', async () => {
  // The pass ends over a few microtasks (its promise, the loop's check, giving up the running
  // state); a request is made after each possible number of them in turn, so one lands in every
  // gap between "no more requests" and "not running", whatever the engine's exact tick count.
  for (let ticks = 0; ticks <= 20; ticks++) {
    const pass = heldPass();
    const bp = new BackgroundPass(pass.run, (e) => { throw e; });
    bp.request();
    await nextMacrotask();
    assert.equal(pass.started, 1, 'the first pass is running and held open');
    pass.release();
    for (let i = 0; i < ticks; i++) await Promise.resolve();
    const before = pass.started;
    bp.request();
    await bp.idle();
    assert.ok(pass.started > before, `a request ${ticks} microtasks after the pass was released got no pass of its own`);
  }
});

test('requests made while a pass runs give one more pass, not one each; none after stop', async () => {
  const pass = heldPass();
  const bp = new BackgroundPass(pass.run, (e) => { throw e; });
  bp.request();
  await nextMacrotask();
  for (let i = 0; i < 5; i++) bp.request();
  pass.release();
  await bp.idle();
  assert.equal(pass.started, 2);
  bp.stop();
  bp.request();
  await nextMacrotask();
  await bp.idle();
  assert.equal(pass.started, 2, 'a stopped runner takes no requests');
});

test('a pass that fails is reported and the next request still runs one', async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const bp = new BackgroundPass(async () => { if (++calls === 1) throw new Error('disk on fire'); }, (e) => errors.push(e));
  bp.request();
  await nextMacrotask();
  await bp.idle();
  bp.request();
  await bp.idle();
  assert.equal(calls, 2);
  assert.deepEqual(errors.map((e) => (e as Error).message), ['disk on fire']);
});

test('stop() returns at once while a pass is held open; a pass asked for before it never starts', async () => {
  const pass = heldPass();
  const bp = new BackgroundPass(pass.run, (e) => { throw e; });
  bp.request();
  await nextMacrotask();
  bp.request(); // would be the next pass
  bp.stop(); // synchronous: nothing to wait for, although the pass has not been released
  assert.equal(bp.stopping, true, 'what the held pass reads at its next check');
  pass.release();
  await bp.idle();
  assert.equal(pass.started, 1);
});
