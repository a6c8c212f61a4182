/**
 * Progress is throttled twice on its way to clients (a worker's reports, the bus), and neither
 * throttle may swallow where a stage stands: on the real runtime, a test stage reports 10 %..50 %
 * within a few milliseconds and then waits at a hold point until released; the bus, the job's
 * view (stage progress and note) and an every-job subscriber all show 50 %.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, testRuntime, waitFor } from './harness.js';

test('a stage that reports a burst of progress and then works silently is shown where it stands, not at the burst\'s first report', async () => {
  const holdDir = await mkdtemp(join(tmpdir(), 'dubarr-burst-'));
  // Ten reports 1 ms apart (well inside the bus's 200 ms interval), then a wait at 50 % until released.
  const t = await testRuntime({ burst: { steps: [{ id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 10, step: 'a', holdDir, holdAt: 0.5 } }] } });
  try {
    const stop = new AbortController();
    const updates = t.rt.jobs.subscribeAll({ signal: stop.signal, throttleMs: 50 });
    const first = updates.next();
    const { id } = await t.rt.jobs.create({ path: t.input, preset: 'burst', targetLanguages: [], origin: 'api' });
    // The bus gets the last report of the burst (its end is the stage's state while it waits).
    await waitFor(t, (e) => e.jobId === id && e.type === 'job.progress' && e.step === 'a' && (e.data as { stepProgress?: number }).stepProgress === 0.5);
    assert.ok(existsSync(join(holdDir, 'a.holding')), 'reported at the hold');
    const view = t.rt.jobs.get(id);
    assert.deepEqual([view.stages[0]!.progress, view.progressNote], [0.5, 'a: tick 5'], 'the stage and the note where it stands');
    let r = await first;
    while (!r.done && r.value.stages[0]!.progress < 0.5) r = await updates.next();
    assert.equal(r.done ? undefined : r.value.stages[0]!.progress, 0.5, 'and so does a subscriber');
    stop.abort();
    await writeFile(join(holdDir, 'a.release'), '');
    assert.equal((await finished(t, id))?.status, 'succeeded');
  } finally {
    await t.close();
    await rm(holdDir, { recursive: true, force: true });
  }
});
