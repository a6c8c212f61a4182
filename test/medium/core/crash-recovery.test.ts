/**
 * SIGKILL a `dubarr dub` process at several points of a job of slow stages, then start
 * `dubarr serve` on the same data dir: the job must finish there, without re-running the
 * stages that had finished (cache hits), with output identical to an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import type { Job } from '../../../core/jobs/store.js';
import { exited, poll, workspace } from './cli-harness.js';

async function outputOf(job: Job): Promise<string> {
  const out = (job.result as { outputs: Record<string, { files: { out: string } }> }).outputs.d!.files.out;
  return readFile(out, 'utf8');
}

test('crash recovery: SIGKILL at several points, restart, finished stages are not redone, same output', async () => {
  const ref = await workspace('ref');
  const cleanups = [ref.dir];
  try {
    const p = ref.cli('dub', ref.input, '--preset', 'chain');
    assert.equal(await exited(p), 0);
    const refJob = ref.store().listJobs()[0]!;
    assert.equal(refJob.status, 'succeeded');
    const expected = await outputOf(refJob);

    // Kill points: right after stage a finished (b held at its start), in the middle of stage b
    // (held half-way), after c finished (d held at its start). The held stage waits for the
    // test, so the kill lands exactly there however fast or loaded the machine is.
    const points = [
      { name: 'after-a', hold: { step: 'b', at: 0 }, done: ['a'] },
      { name: 'mid-b', hold: { step: 'b', at: 0.5 }, done: ['a'] },
      { name: 'after-c', hold: { step: 'd', at: 0 }, done: ['a', 'b', 'c'] },
    ];
    for (const point of points) {
      const w = await workspace(point.name, { hold: point.hold });
      cleanups.push(w.dir);
      const dubber = w.cli('dub', w.input, '--preset', 'chain');
      const s = w.store();
      await poll(() => (w.holding(point.hold.step) ? true : undefined), 120_000, `stage ${point.hold.step} to reach its hold`);
      dubber.kill('SIGKILL');
      await exited(dubber);
      await w.release(point.hold.step);
      const killed = s.listJobs()[0]!;
      assert.equal(killed.status, 'running', 'the killed process left its job running');
      const doneBefore = s.stageRuns(killed.id).filter((r) => r.status === 'succeeded').map((r) => r.step);
      assert.deepEqual(doneBefore, point.done, `${point.name}: the stages finished before the kill`);

      const server = w.cli('serve', '--port', '0');
      const job = await poll(() => { const j = s.getJob(killed.id); return j.status === 'succeeded' || j.status === 'failed' ? j : undefined; }, 120_000, 'the resumed job');
      server.kill('SIGTERM');
      assert.equal(await exited(server), 0, 'serve exits 0 on SIGTERM');

      assert.equal(job.status, 'succeeded', `${point.name}: ${job.error?.message}`);
      assert.equal(await outputOf(job), expected, `${point.name}: output identical to an uninterrupted run`);
      const runs = await w.runs();
      for (const step of doneBefore) {
        assert.equal(runs.filter((r) => r.step === step).length, 1, `${point.name}: stage ${step} ran once`);
      }
      const after = s.stageRuns(job.id).filter((r) => r.startedAt >= killed.updatedAt);
      const cached = after.filter((r) => r.status === 'cached').map((r) => r.step);
      assert.deepEqual(cached, doneBefore, `${point.name}: finished stages were cache hits after the restart`);
      assert.ok(s.events(job.id).some((e) => e.type === 'job.requeued'), 'the orphaned job was re-queued');
      s.db.close();
    }
  } finally {
    for (const d of cleanups) await rm(d, { recursive: true, force: true });
  }
});
