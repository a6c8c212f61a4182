/**
 * The jobs service on the real runtime (SQLite, stage cache, worker pool, scheduler) with the
 * test stages, and the real ffmpeg extract and mux where a job must deliver files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { JobsService } from '../../../core/service/jobs-service.js';
import type { JobView } from '../../../core/service/job-view.js';
import { DubarrError } from '../../../plugins/sdk/errors.js';
import { h264AacMp4 } from '../../fixtures/media.js';
import { deliverPreset } from './deliver-preset.js';
import { finished, testRuntime, waitFor, type TestRuntime } from './harness.js';

const coded = (code: string) => (e: unknown) => e instanceof DubarrError && e.code === code;

async function collect(it: AsyncIterable<JobView>): Promise<JobView[]> {
  const out: JobView[] = [];
  for await (const v of it) out.push(v);
  return out;
}

test('list: newest first by (createdAt, id), pages by cursor without gaps or repeats (jobs created in the same millisecond too), filtered by status and by a literal substring of the path', async () => {
  // Nothing runs: the jobs stay queued.
  const t = await testRuntime({ noop: { steps: [{ id: 'a', capability: 'noop', inputs: { source: 'source' } }] } }, {}, { takeQueued: false });
  try {
    const names = ['Alpha one.mkv', 'beta.mkv', 'ALPHA two.mkv', '100%_sure.mkv', '100x sure.mkv', 'gamma.mkv', 'delta.mkv'];
    const created: JobView[] = [];
    for (const n of names) {
      await writeFile(join(t.dir, n), 'x');
      created.push(await t.rt.jobs.create({ path: join(t.dir, n), preset: 'noop', targetLanguages: [], origin: 'api' }));
    }
    const pages = () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let n = 0; ; n++) {
        const page = t.rt.jobs.list({ first: 3, after });
        seen.push(...page.items.map((j) => j.id));
        if (!page.pageInfo.hasNextPage) return seen;
        after = page.pageInfo.endCursor;
        assert.ok(n < 5);
      }
    };
    const byTime = [...created].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((j) => j.id);
    assert.deepEqual(pages(), byTime);
    // All in one millisecond: the id alone orders them, and a page boundary inside the tie loses none.
    t.rt.store.db.prepare('UPDATE jobs SET created_at = 1700000000000').run();
    assert.deepEqual(pages(), created.map((j) => j.id).sort().reverse());
    assert.deepEqual(t.rt.jobs.list({ search: 'alpha' }).items.map((j) => j.input).sort(), [join(t.dir, 'ALPHA two.mkv'), join(t.dir, 'Alpha one.mkv')]);
    assert.deepEqual(t.rt.jobs.list({ search: '100%_' }).items.map((j) => j.input), [join(t.dir, '100%_sure.mkv')], '% and _ are literal');
    assert.equal(t.rt.jobs.list({ status: 'queued' }).items.length, names.length);
    assert.equal(t.rt.jobs.list({ status: 'failed' }).items.length, 0);
    assert.throws(() => t.rt.jobs.list({ after: 'bm90IGEgY3Vyc29y' }), coded('E_INVALID_ARGUMENT'));
    assert.throws(() => t.rt.jobs.list({ first: 0 }), coded('E_INVALID_ARGUMENT'));
    assert.throws(() => t.rt.jobs.list({ status: 'done' as 'queued' }), coded('E_INVALID_ARGUMENT'));
  } finally {
    await t.close();
  }
});

test('create: a relative path, an unknown language, both or neither of path and uploadId are refused creating no job; an upload id is resolved by the uploads hook', async () => {
  const t = await testRuntime({ noop: { steps: [{ id: 'a', capability: 'noop', inputs: { source: 'source' } }] } }, {}, { takeQueued: false });
  try {
    const jobs = t.rt.jobs;
    await assert.rejects(jobs.create({ path: 'input.bin', preset: 'noop', origin: 'api' }), coded('E_INVALID_ARGUMENT'));
    await assert.rejects(jobs.create({ path: t.input, preset: 'noop', targetLanguages: ['xx'], origin: 'api' }), /Unknown language 'xx'/);
    await assert.rejects(jobs.create({ preset: 'noop', origin: 'api' }), coded('E_INVALID_ARGUMENT'));
    await assert.rejects(jobs.create({ path: t.input, uploadId: 'u1', preset: 'noop', origin: 'api' }), coded('E_INVALID_ARGUMENT'));
    // The runtime's own uploads: no upload by that id.
    await assert.rejects(jobs.create({ uploadId: 'u1', preset: 'noop', origin: 'api' }), coded('E_UPLOAD_NOT_FOUND'));
    const noUploads = new JobsService({ ...t.rt, uploads: undefined });
    await assert.rejects(noUploads.create({ uploadId: 'u1', preset: 'noop', origin: 'api' }), /takes no uploads/);
    assert.equal(jobs.list().items.length, 0);

    const uploads = join(t.dir, 'uploads');
    const withUploads = new JobsService({ ...t.rt, uploads: {
      dir: uploads,
      resolve: async (id) => { if (id !== 'u1') throw new DubarrError('E_INPUT_NOT_FOUND', `No finished upload '${id}'`); return join(uploads, 'u1.mkv'); },
    } });
    const job = await withUploads.create({ uploadId: 'u1', preset: 'noop', targetLanguages: ['ES'], origin: 'api' });
    assert.equal(job.input, join(uploads, 'u1.mkv'));
    assert.deepEqual(job.targetLanguages, ['es']);
    assert.equal(job.priority, 0);
    await assert.rejects(withUploads.create({ uploadId: 'u2', preset: 'noop', origin: 'api' }), coded('E_INPUT_NOT_FOUND'));
  } finally {
    await t.close();
  }
});

test('create from the API: the path and outDir must resolve inside server.mediaRoots or the uploads folder (after symlinks, no ..); the CLI and watch folders are not held to it', async () => {
  const t = await testRuntime({ noop: { steps: [{ id: 'a', capability: 'noop', inputs: { source: 'source' } }] } }, {}, { takeQueued: false });
  const outside = await mkdtemp(join(tmpdir(), 'dubarr-outside-'));
  try {
    const jobs = t.rt.jobs;
    const secret = join(outside, 'secret.mkv');
    await writeFile(secret, 'not for API clients');
    await symlink(secret, join(t.dir, 'link.mkv'));
    const refused = async (input: Parameters<typeof jobs.create>[0], why: RegExp) =>
      assert.rejects(jobs.create(input), (e: unknown) => coded('E_PATH_NOT_ALLOWED')(e) && why.test((e as Error).message));
    await refused({ path: secret, preset: 'noop', origin: 'api' }, /^path: .*is outside server.mediaRoots/);
    await refused({ path: join(t.dir, 'link.mkv'), preset: 'noop', origin: 'api' }, /^path: .*leads \(through a symlink\) outside/);
    await refused({ path: `${t.dir}/../${t.dir.split('/').at(-1)}/input.bin`, preset: 'noop', origin: 'api' }, /^path: .*'\.\.'/);
    await refused({ path: t.input, outDir: join(outside, 'new', 'folder'), preset: 'noop', origin: 'api' }, /^outDir: .*is outside server.mediaRoots/);
    await refused({ path: t.input, outDir: `${t.dir}/x/../..`, preset: 'noop', origin: 'api' }, /^outDir: .*'\.\.'/);
    assert.equal(jobs.list().items.length, 0, 'no job was created');

    // Inside the roots: a folder that does not exist yet is fine (the job creates it).
    const ok = await jobs.create({ path: t.input, outDir: join(t.dir, 'results', 'es'), preset: 'noop', origin: 'api' });
    assert.equal(ok.input, t.input);
    // The machine's own users (CLI, watch folders) name any file.
    const cli = await jobs.create({ path: secret, preset: 'noop', origin: 'cli' });
    assert.equal(cli.input, secret);
  } finally {
    await t.close();
    await rm(outside, { recursive: true, force: true });
  }
});

const twoSlow: Record<string, PresetInput> = {
  two: { steps: [
    { id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 400 } },
    { id: 'b', capability: 'slow', inputs: { a: 'a' }, params: { ms: 400 } },
  ] },
};

function assertNeverBack(views: JobView[]): void {
  for (let i = 1; i < views.length; i++) {
    assert.ok(views[i]!.progress >= views[i - 1]!.progress, `job progress went back at update ${i}`);
    for (const s of views[i]!.stages) {
      const before = views[i - 1]!.stages.find((x) => x.id === s.id)?.progress ?? 0;
      assert.ok(s.progress >= before, `stage ${s.id} went back at update ${i}`);
    }
  }
}

test('subscribe: the state now first, then progress that never goes back for the job and each stage, ending with the terminal state; a late subscriber gets the final state alone', async () => {
  const t = await testRuntime(twoSlow);
  try {
    const job = await t.rt.jobs.create({ path: t.input, preset: 'two', targetLanguages: [], origin: 'api' });
    const views = await collect(t.rt.jobs.subscribe(job.id, { throttleMs: 50 }));
    assert.ok(['queued', 'running'].includes(views[0]!.status));
    assert.equal(views.at(-1)!.status, 'succeeded');
    assert.equal(views.at(-1)!.progress, 1);
    assertNeverBack(views);
    assert.ok(views.some((v) => v.status === 'running' && v.stages.some((s) => s.progress > 0 && s.progress < 1)), 'a stage was seen part way');

    const late = await collect(t.rt.jobs.subscribe(job.id));
    assert.deepEqual(late.map((v) => v.status), ['succeeded']);
    assert.deepEqual(late[0]!.stages.map((s) => [s.id, s.status, s.progress]), [['a', 'succeeded', 1], ['b', 'succeeded', 1]]);
    assert.throws(() => t.rt.jobs.subscribe('ffffffffffff'), coded('E_JOB_NOT_FOUND'));
  } finally {
    await t.close();
  }
});

test('subscribe to a job another process runs: its updates come from the database, and end with its terminal state', async () => {
  const t = await testRuntime(twoSlow, {}, { takeQueued: false });
  let server: TestRuntime | undefined;
  try {
    const job = await t.rt.jobs.create({ path: t.input, preset: 'two', targetLanguages: [], origin: 'api' });
    const updates = collect(t.rt.jobs.subscribe(job.id, { throttleMs: 50, pollMs: 100 }));
    server = await testRuntime(twoSlow, {}, { sameDataAs: t });
    const views = await updates;
    assert.equal(views[0]!.status, 'queued');
    assert.equal(views.at(-1)!.status, 'succeeded');
    assert.ok(views.some((v) => v.status === 'running'), 'seen running');
    assertNeverBack(views);
  } finally {
    await server?.close();
    await t.close();
  }
});

test('retry resumes at the failed stage: the finished one is a cache hit', async () => {
  const t = await testRuntime({
    fails: { steps: [
      { id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 20 } },
      { id: 'b', capability: 'flaky', inputs: { a: 'a' }, params: { failures: 1, key: 'retry-b', code: 'E_MEDIA_UNREADABLE' } },
    ] },
  });
  try {
    const job = await t.rt.jobs.create({ path: t.input, preset: 'fails', targetLanguages: [], origin: 'api' });
    assert.equal((await finished(t, job.id)).status, 'failed');
    assert.deepEqual(t.rt.jobs.get(job.id).stages.map((s) => [s.id, s.status]), [['a', 'succeeded'], ['b', 'failed']]);
    assert.throws(() => t.rt.jobs.cancel(job.id), coded('E_JOB_STATE'));
    const again = t.rt.jobs.retry(job.id);
    assert.ok(['queued', 'running'].includes(again.status));
    await waitFor(t, (e) => e.jobId === job.id && e.type === 'job.succeeded');
    const done = t.rt.jobs.get(job.id);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.stages.map((s) => [s.id, s.status, s.cached]), [['a', 'cached', true], ['b', 'succeeded', false]]);
    assert.throws(() => t.rt.jobs.retry(job.id), coded('E_JOB_STATE'));
  } finally {
    await t.close();
  }
});

test('delete: a running job is refused until cancelled; a failed job\'s kept work dir goes with it; the input stays', async () => {
  const t = await testRuntime({
    forever: { steps: [{ id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { untilCancelled: true } }] },
    fails: { steps: [{ id: 'a', capability: 'flaky', inputs: { source: 'source' }, params: { failures: 1, key: 'delete-a', code: 'E_MEDIA_UNREADABLE' } }] },
  }, { jobs: { keepWorkDirOnFailure: true } });
  try {
    const input = await readFile(t.input);
    const running = await t.rt.jobs.create({ path: t.input, preset: 'forever', targetLanguages: [], origin: 'api' });
    await waitFor(t, (e) => e.jobId === running.id && e.type === 'job.progress');
    await assert.rejects(t.rt.jobs.delete(running.id), coded('E_JOB_STATE'));
    assert.equal(t.rt.jobs.get(running.id).status, 'running');
    t.rt.jobs.cancel(running.id);
    assert.equal((await finished(t, running.id)).status, 'cancelled');
    await t.rt.jobs.delete(running.id);
    assert.throws(() => t.rt.jobs.get(running.id), coded('E_JOB_NOT_FOUND'));

    const failed = await t.rt.jobs.create({ path: t.input, preset: 'fails', targetLanguages: [], origin: 'api' });
    assert.equal((await finished(t, failed.id)).status, 'failed');
    const workDir = join(t.rt.workRoot, failed.id);
    assert.ok(existsSync(workDir), 'kept for debugging');
    await t.rt.jobs.delete(failed.id);
    assert.ok(!existsSync(workDir), 'the work dir went with the job');
    assert.deepEqual(await readFile(t.input), input, 'the input is untouched');
    assert.deepEqual(t.rt.jobs.list().items, []);
  } finally {
    await t.close();
  }
});

test('delete never touches the user\'s files: the original and the dubbed copy in the library stay; results in the uploads folder (dubarr\'s own) go, the upload itself stays', async () => {
  const t = await testRuntime({ deliver: await deliverPreset() });
  try {
    const library = join(t.dir, 'library');
    const uploads = join(t.dir, 'uploads');
    await mkdir(library);
    await mkdir(uploads, { recursive: true }); // the runtime's upload server made it already
    const original = join(library, 'Film.mp4');
    const upload = join(uploads, 'u1.mp4');
    await copyFile(await h264AacMp4(), original);
    await copyFile(await h264AacMp4(), upload);
    const jobs = new JobsService({ ...t.rt, uploads: { dir: uploads, resolve: async () => upload } });

    const inLibrary = await jobs.create({ path: original, preset: 'deliver', targetLanguages: ['es'], origin: 'api' });
    const fromUpload = await jobs.create({ uploadId: 'u1', preset: 'deliver', targetLanguages: ['es'], origin: 'api' });
    for (const j of [inLibrary, fromUpload]) assert.equal((await finished(t, j.id)).status, 'succeeded', t.rt.jobs.get(j.id).error?.message);
    const dubbedCopy = join(library, 'Film - dub es.mp4');
    const uploadResult = join(uploads, 'u1 - dub es.mp4');
    const before = await Promise.all([original, dubbedCopy, upload].map((f) => readFile(f)));
    assert.ok(existsSync(uploadResult));

    assert.deepEqual((await jobs.delete(inLibrary.id)).removedFiles, []);
    assert.deepEqual((await jobs.delete(fromUpload.id)).removedFiles, [uploadResult]);
    assert.ok(!existsSync(uploadResult), 'the result in the uploads folder went');
    const after = await Promise.all([original, dubbedCopy, upload].map((f) => readFile(f)));
    assert.deepEqual(after, before, 'the original, the dubbed copy in the library and the upload are untouched');
    assert.ok((await stat(dubbedCopy)).size > 0);
  } finally {
    await t.close();
  }
});
