/**
 * SIGKILL a `dubarr dub` process at several points of a job of slow stages, then start
 * `dubarr serve` on the same data dir: the job must finish there, without re-running the
 * stages that had finished (cache hits), with output identical to an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import type { Job } from '../../../core/jobs/store.js';
import { exited, poll, STEP_MS, workspace } from './cli-harness.js';

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

    // Kill points: right after stage a finished, in the middle of stage b, after c finished.
    const points = [
      { name: 'after-a', done: 1, midMs: 0 },
      { name: 'mid-b', done: 1, midMs: STEP_MS / 2 },
      { name: 'after-c', done: 3, midMs: 0 },
    ];
    for (const point of points) {
      const w = await workspace(point.name);
      cleanups.push(w.dir);
      const dubber = w.cli('dub', w.input, '--preset', 'chain');
      const s = w.store();
      const finishedSteps = () => s.db.prepare("SELECT count(*) AS n FROM stage_runs WHERE status = 'succeeded'").get() as { n: number };
      await poll(() => (finishedSteps().n >= point.done ? true : undefined), 20_000, `${point.done} finished stages`);
      if (point.midMs) await new Promise((r) => setTimeout(r, point.midMs));
      dubber.kill('SIGKILL');
      await exited(dubber);
      const killed = s.listJobs()[0]!;
      assert.equal(killed.status, 'running', 'the killed process left its job running');
      const doneBefore = s.stageRuns(killed.id).filter((r) => r.status === 'succeeded').map((r) => r.step);

      const server = w.cli('serve', '--port', '0');
      const job = await poll(() => { const j = s.getJob(killed.id); return j.status === 'succeeded' || j.status === 'failed' ? j : undefined; }, 30_000, 'the resumed job');
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
