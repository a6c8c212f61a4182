/**
 * Output folders are checked when a job is created (every door) and again when a queued job
 * starts, so a folder that is missing or not writable fails before stage one, not at 80 %.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { h264AacMp4 } from '../../fixtures/media.js';
import { makeReadOnly, readOnlyUnavailable } from '../../fixtures/mounts.js';
import { DubarrError } from '../../../plugins/sdk/errors.js';
import { exited, poll, workspace } from './cli-harness.js';
import { finished, testRuntime, waitFor } from './harness.js';

const one = (capability: string, params: Record<string, unknown> = {}) => ({ steps: [{ id: 'only', capability, inputs: { source: 'source' }, params }] });

test('a queued job whose output folder went read-only, or vanished, while it waited fails at start with E_OUTPUT_NOT_WRITABLE; no stage runs', async (t) => {
  const why = readOnlyUnavailable();
  if (why) { t.skip(why); return; }
  const rt = await testRuntime({ blocker: one('native-like', { ms: 60_000 }), quick: one('slow', { ms: 10, step: 'quick' }) });
  let undo = () => {};
  try {
    const blocker = rt.rt.scheduler.submit({ input: rt.input, preset: 'blocker', targetLanguages: [], origin: 'cli' });
    await waitFor(rt, (e) => e.jobId === blocker.id && e.type === 'stage.started');
    const roDir = join(rt.dir, 'out', 'read-only');
    const goneDir = join(rt.dir, 'out', 'unmounted');
    const spec = (outDir: string) => ({ input: rt.input, preset: 'quick', targetLanguages: [], origin: 'watch' as const, options: { mode: 'mux' as const, outDir } });
    const ro = rt.rt.scheduler.submit(spec(roDir));
    const gone = rt.rt.scheduler.submit(spec(goneDir));
    assert.ok(existsSync(roDir) && existsSync(goneDir), 'submitting created both output folders');
    assert.deepEqual([ro.status, gone.status], ['queued', 'queued'], 'both wait behind the blocker');

    undo = makeReadOnly(roDir);
    await rm(goneDir, { recursive: true });
    rt.rt.scheduler.cancel(blocker.id);

    const r = await finished(rt, ro.id);
    assert.equal(r.status, 'failed');
    assert.equal(r.error?.code, 'E_OUTPUT_NOT_WRITABLE');
    assert.ok(r.error!.message.includes(roDir), r.error!.message);
    const g = await finished(rt, gone.id);
    assert.equal(g.error?.code, 'E_OUTPUT_NOT_WRITABLE');
    assert.match(g.error!.message, /no longer exists/);
    assert.ok(!existsSync(goneDir), 'a vanished folder is not recreated at start (it may be an unmounted drive)');
    for (const id of [ro.id, gone.id]) assert.deepEqual(rt.rt.store.stageRuns(id), [], 'no stage ran');
    assert.ok(!(await rt.runs()).some((x) => x.step === 'quick'), 'the quick stage never ran');
  } finally {
    undo();
    await rt.close();
  }
});

test('submit refuses a job it could not deliver: no job row, the error names the folder', async (t) => {
  const why = readOnlyUnavailable();
  if (why) { t.skip(why); return; }
  const rt = await testRuntime({ quick: one('slow', { ms: 10 }) });
  const out = join(rt.dir, 'ro');
  await mkdir(out);
  const undo = makeReadOnly(out);
  try {
    assert.throws(
      () => rt.rt.scheduler.submit({ input: rt.input, preset: 'quick', targetLanguages: [], origin: 'api', options: { outDir: out } }),
      (e: unknown) => e instanceof DubarrError && e.code === 'E_OUTPUT_NOT_WRITABLE' && e.message.includes(out),
    );
    assert.deepEqual(rt.rt.store.listJobs(), []);
  } finally {
    undo();
    await rt.close();
  }
});

test('CLI dub --out: a missing folder is created; a read-only one fails fast with the code, the folder and a hint, creating no job', async (t) => {
  const w = await workspace('outdir');
  try {
    const created = join(w.dir, 'new', 'nested', 'out');
    const ok = await w.run('dub', w.input, '--preset', 'chain', '--out', created);
    assert.equal(ok.code, 0, ok.err);
    assert.ok(existsSync(created));
    const s = w.store();
    assert.equal(s.listJobs()[0]!.options.outDir, created);

    const why = readOnlyUnavailable();
    if (why) { t.diagnostic(`read-only part skipped: ${why}`); return; }
    const ro = join(w.dir, 'read-only');
    await mkdir(ro);
    const undo = makeReadOnly(ro);
    try {
      const runsBefore = (await w.runs()).length;
      const bad = await w.run('dub', w.input, '--preset', 'chain', '--out', ro);
      assert.equal(bad.code, 1);
      assert.match(bad.err, new RegExp(`error E_OUTPUT_NOT_WRITABLE: Cannot write to the output folder ${ro} \\((EROFS|EACCES)\\)`));
      assert.match(bad.err, /hint: Make the folder named above writable/);
      assert.equal(s.listJobs().length, 1, 'no job was created');
      assert.equal((await w.runs()).length, runsBefore, 'no stage ran');
    } finally {
      undo();
      s.db.close();
    }
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('serve: a watch folder whose outDir is read-only refuses the job in the log and keeps serving', async (t) => {
  const why = readOnlyUnavailable();
  if (why) { t.skip(why); return; }
  const w = await workspace('watch-ro', { watch: '{ folders: [{ path: __W__, outDir: __O__, stabilitySeconds: 0.2 }] }' });
  const watchDir = join(w.dir, 'watch');
  const ro = join(w.dir, 'ro-out');
  await mkdir(watchDir);
  await mkdir(ro);
  const cfg = join(w.dir, 'dubarr.yaml');
  await writeFile(cfg, (await readFile(cfg, 'utf8')).replace('__W__', watchDir).replace('__O__', ro));
  const undo = makeReadOnly(ro);
  const server = w.cli('serve', '--port', '0');
  let err = '';
  server.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const s = w.store();
  try {
    await copyFile(await h264AacMp4(), join(watchDir, 'Movie.mkv'));
    await poll(() => (err.includes('watch folder: job refused') ? true : undefined), 20_000, 'the refusal in the log');
    assert.match(err, /E_OUTPUT_NOT_WRITABLE/);
    assert.ok(err.includes(ro), err);
    assert.deepEqual(s.listJobs(), []);
    server.kill('SIGTERM');
    assert.equal(await exited(server), 0, 'the server was still running and shut down cleanly');
  } finally {
    server.kill('SIGKILL');
    s.db.close();
    undo();
    await rm(w.dir, { recursive: true, force: true });
  }
});
