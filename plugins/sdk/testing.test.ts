import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cancelProbe, type Observed } from './cancel-probe.testkit.js';
import { findStage, runStageForTest } from './testing.js';

/** Cancels from inside the first progress report, as the contract suite does. */
async function cancelledAtFirstReport(stage: string, check: string) {
  const ac = new AbortController();
  return runStageForTest<Observed>(findStage(cancelProbe, stage), { options: {}, params: { check } }, { signal: ac.signal, onProgress: () => ac.abort() });
}

test('runStageForTest cancels a worker stage as the pool does: the flag at once, the signal a turn of the event loop later', async () => {
  const run = await cancelledAtFirstReport('cancel-probe:worker', 'observe');
  assert.deepEqual(run.result.data, { afterReport: { flag: true, signal: false }, nextTurn: { flag: true, signal: true } });
});

test('runStageForTest cancels a main-thread stage as the runtime does: flag and signal at once', async () => {
  const run = await cancelledAtFirstReport('cancel-probe:main', 'observe');
  assert.deepEqual(run.result.data, { afterReport: { flag: true, signal: true }, nextTurn: { flag: true, signal: true } });
});

test('a worker stage that checks only ctx.signal inside synchronous work is not stopped; throwIfCancelled(ctx) is', async () => {
  const ignored = await cancelledAtFirstReport('cancel-probe:worker', 'signal');
  assert.ok(ignored.result.data, 'the signal-only stage ran to the end, as it would in a worker');
  await assert.rejects(cancelledAtFirstReport('cancel-probe:worker', 'ctx'), /Cancelled/);
  await assert.rejects(cancelledAtFirstReport('cancel-probe:main', 'signal'), /Cancelled/, 'on the main thread the signal alone is enough');
});

/** node:test's TAP output of the contract suite on the probe: test name -> passed, and the failures' text. */
function contractOutcome(check: string): { results: Map<string, boolean>; output: string } {
  const file = fileURLToPath(new URL('./cancel-probe.contract.js', import.meta.url));
  // Without the parent runner's NODE_TEST_CONTEXT, or the child reports in its binary protocol.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--test-reporter=tap', file, check], { encoding: 'utf8', env });
  const results = new Map<string, boolean>();
  for (const m of r.stdout.matchAll(/^\s+(ok|not ok) \d+ - (.+?)(?: # .*)?$/gm)) results.set(m[2]!, m[1] === 'ok');
  return { results, output: r.stdout + r.stderr };
}

test('the contract\'s mid-run cancel fails a worker stage that checks only ctx.signal in synchronous work, and passes one that checks ctx', () => {
  const midRun = 'abort mid-run, at the first progress report: E_CANCELLED, nothing left behind';
  const signalOnly = contractOutcome('signal');
  assert.equal(signalOnly.results.get(midRun), false, signalOnly.output);
  assert.match(signalOnly.output, /the stage finished although it was aborted/);
  assert.deepEqual([...signalOnly.results].filter(([name, ok]) => !ok && name !== midRun), [], 'only the mid-run cancel fails');
  const flagAware = contractOutcome('ctx');
  assert.equal(flagAware.results.get(midRun), true, flagAware.output);
  assert.deepEqual([...flagAware.results].filter(([, ok]) => !ok), [], `no other promise of the contract fails: ${flagAware.output}`);
});
