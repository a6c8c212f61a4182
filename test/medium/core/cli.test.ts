import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { h264AacMp4 } from '../../fixtures/media.js';
import { exited, poll, workspace } from './cli-harness.js';

test('CLI: dub a missing file fails with a coded error and a hint; jobs list/show describe jobs', async () => {
  const w = await workspace('cli');
  try {
    const bad = await w.run('dub', join(w.dir, 'nope.mkv'), '--preset', 'chain');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /E_INPUT_NOT_FOUND/);
    assert.match(bad.err, /hint: /);
    const badLang = await w.run('dub', w.input, '--to', 'xx');
    assert.equal(badLang.code, 2);
    assert.match(badLang.err, /E_INVALID_ARGUMENT: Unknown language 'xx'/);

    const ok = await w.run('dub', w.input, '--preset', 'chain', '--to', 'es,ca');
    assert.equal(ok.code, 0, ok.err);
    const list = await w.run('jobs', 'list');
    const lines = list.out.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /succeeded\s+100%\s+es,ca\s+chain/);
    assert.match(lines[1]!, /failed.*E_INPUT_NOT_FOUND/);
    const id = lines[0]!.slice(0, 6);
    const show = await w.run('jobs', 'show', id);
    assert.equal(show.code, 0, show.err);
    for (const step of ['a', 'b', 'c', 'd']) assert.match(show.out, new RegExp(`\\n  ${step}\\s+succeeded\\s+test-stages`));
    const retry = await w.run('jobs', 'retry', id);
    assert.equal(retry.code, 1);
    assert.match(retry.err, /E_JOB_STATE/);
    const found = (await w.run('jobs', 'list', '--search', 'nope.mkv')).out.trim().split('\n');
    assert.deepEqual(found, [lines[1]], 'only the job on nope.mkv');
    const del = await w.run('jobs', 'delete', lines[1]!.slice(0, 12));
    assert.equal(del.code, 0, del.err);
    assert.deepEqual((await w.run('jobs', 'list')).out.trim().split('\n'), [lines[0]], 'the failed job is gone');
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('serve: a file dropped in the watch folder is queued once it stops growing; jobs cancel stops a running job; SIGTERM re-queues and exits 0', async () => {
  const w = await workspace('serve', { watch: '{ folders: [{ path: WATCH, stabilitySeconds: 0.3 }] }'.replace('WATCH', '__W__'), extraConfig: ['pipeline: { preset: long }'] });
  const watchDir = join(w.dir, 'watch');
  try {
    // The watch path is only known now; rewrite the placeholder.
    const { readFile, writeFile } = await import('node:fs/promises');
    const cfg = join(w.dir, 'dubarr.yaml');
    await writeFile(cfg, (await readFile(cfg, 'utf8')).replace('__W__', watchDir));
    await mkdir(watchDir, { recursive: true });
    const server = w.cli('serve', '--port', '0');
    const s = w.store();
    try {
      await copyFile(await h264AacMp4(), join(watchDir, 'Movie (2001).mkv'));
      await copyFile(w.input, join(watchDir, 'notes.txt'));
      const job = await poll(() => s.listJobs().find((j) => j.status === 'running'), 120_000, 'the watched file to start');
      assert.equal(job.origin, 'watch');
      assert.equal(job.priority, 1);
      assert.equal(job.input, join(watchDir, 'Movie (2001).mkv'));
      assert.equal(s.listJobs().length, 1, 'only the video was queued');

      // The job's stage runs until cancelled; how fast a cancel crosses processes: `npm run bench -- cancel`.
      const cancel = await w.run('jobs', 'cancel', job.id);
      assert.equal(cancel.code, 0, cancel.err);
      await poll(() => (s.getJob(job.id).status === 'cancelled' ? true : undefined), 120_000, 'the cancel');

      const retry = await w.run('jobs', 'retry', job.id);
      assert.equal(retry.code, 0, retry.err);
      await poll(() => (s.getJob(job.id).status === 'running' ? true : undefined), 120_000, 'the retried job to start');
      server.kill('SIGTERM');
      assert.equal(await exited(server), 0);
      assert.equal(s.getJob(job.id).status, 'queued', 'a job stopped by shutdown goes back to the queue');
    } finally {
      server.kill('SIGKILL');
      s.db.close();
    }
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
