/**
 * tus 1.0 at /uploads on the real HTTP server (bindHttp + createHttpApp over a real runtime),
 * spoken raw over fetch: creation, PATCH, HEAD, termination, expiration, the size limit, a
 * restart in the middle of an upload, and the probe a job's input gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { h264AacMp4, randomBytesFile, seededBytes } from '../../fixtures/media.js';
import { Hono } from 'hono';
import { bindHttp } from '../../../core/cli/serve.js';
import type { Config } from '../../../core/config/schema.js';
import { mountUploads } from '../../../core/http/uploads-route.js';
import { finishedUpload } from '../../../core/uploads/finished-upload.js';
import { openUploadServer } from '../../../core/uploads/upload-server.js';
import { uploadsDir } from '../../../core/uploads/uploads-dir.js';
import { createHttpApp } from '../../../core/http/app.js';
import { deliverPreset } from './deliver-preset.js';
import { finished, testRuntime, waitFor } from './harness.js';
import { create, del, head, patch, startTusServer, streamOf, TUS, uploadUrl } from './tus-client.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const idOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const MiB = 1 << 20;

async function poll<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  // Waits for a state, not for a time: the deadline only turns a hang into a failure.
  const until = Date.now() + 60_000;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('creation, PATCH in chunks, HEAD, termination; OPTIONS lists the extensions and the limit', async () => {
  const t = await testRuntime({}, { server: { maxUploadBytes: 8 * MiB } });
  const s = await startTusServer(t.rt);
  try {
    const opts = await fetch(`${s.url}/uploads`, { method: 'OPTIONS' });
    assert.equal(opts.status, 204);
    assert.equal(opts.headers.get('tus-version'), '1.0.0');
    for (const ext of ['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'expiration']) {
      assert.ok(opts.headers.get('tus-extension')?.split(',').includes(ext), `extension ${ext}`);
    }
    assert.equal(opts.headers.get('tus-max-size'), String(8 * MiB));

    const data = seededBytes(3 * MiB + 17, 7);
    const created = await create(s.url, { length: data.length, meta: { filename: 'My Movie.mkv' } });
    assert.equal(created.status, 201);
    assert.match(created.headers.get('location') ?? '', /^\/uploads\/[0-9a-f]{32}$/);
    assert.ok(created.headers.get('upload-expires'), 'expiration: an unfinished upload says when it expires');
    const url = uploadUrl(s.url, created);

    let offset = 0;
    for (const size of [MiB, MiB, MiB + 17]) {
      const r = await patch(url, offset, data.subarray(offset, offset + size));
      assert.equal(r.status, 204);
      offset += size;
      assert.equal(r.headers.get('upload-offset'), String(offset));
      const h = await head(url);
      assert.equal(h.status, 200);
      assert.deepEqual([h.headers.get('upload-offset'), h.headers.get('upload-length'), h.headers.get('cache-control')], [String(offset), String(data.length), 'no-store']);
    }
    const file = join(uploadsDir(t.rt.config), idOf(url));
    assert.equal(sha256(await readFile(file)), sha256(data), 'the file is byte-identical');
    assert.equal(s.bytesCounted(), data.length, 'onBytes saw every byte once');

    // A PATCH at a stale offset (409) or of another content type (the library answers 400)
    // changes nothing.
    assert.equal((await patch(url, 0, data.subarray(0, 10))).status, 409);
    assert.equal((await fetch(url, { method: 'PATCH', headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'text/plain' }, body: 'x' })).status, 400);
    assert.equal(sha256(await readFile(file)), sha256(data));
    // No GET: an upload is not a download.
    assert.equal((await fetch(url)).status, 405);
    // Without Tus-Resumable the request is not tus.
    assert.equal((await fetch(url, { method: 'HEAD' })).status, 412);

    assert.equal((await del(url)).status, 204);
    assert.equal((await head(url)).status, 404);
    assert.deepEqual(await readdir(uploadsDir(t.rt.config)), [], 'termination removed the file and its metadata');
  } finally {
    await s.close();
    await t.close();
  }
});

test('creation-with-upload: the POST body is the first chunk', async () => {
  const t = await testRuntime({});
  const s = await startTusServer(t.rt);
  try {
    const data = seededBytes(300_000, 3);
    const created = await create(s.url, { length: data.length, body: data.subarray(0, 100_000) });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('upload-offset'), '100000');
    const url = uploadUrl(s.url, created);
    assert.equal((await patch(url, 100_000, data.subarray(100_000))).status, 204);
    assert.equal(sha256(await readFile(join(uploadsDir(t.rt.config), idOf(url)))), sha256(data));
  } finally {
    await s.close();
    await t.close();
  }
});

test('an upload cut off midway resumes after a server restart, from the offset HEAD gives', async () => {
  const media = await readFile(await h264AacMp4());
  const half = Math.floor(media.length / 2);
  const first = await testRuntime({});
  let s = await startTusServer(first.rt);
  let second: Awaited<ReturnType<typeof testRuntime>> | undefined;
  try {
    const url = uploadUrl(s.url, await create(s.url, { length: media.length, meta: { filename: '../../etc/Holiday clip.mp4' } }));
    const file = join(uploadsDir(first.rt.config), idOf(url));
    // One PATCH for the whole file whose client dies after sending half of it.
    const abort = new AbortController();
    let push!: (b: Uint8Array) => void;
    const body = new ReadableStream<Uint8Array>({ start(c) { push = (b) => c.enqueue(b); } });
    const cut = patch(url, 0, body, {}, abort.signal);
    push(media.subarray(0, half));
    await poll('the first half on disk', async () => ((await stat(file)).size === half ? true : undefined));
    abort.abort();
    await assert.rejects(cut, { name: 'AbortError' });
    // HEAD waits for the cut PATCH to let go of the upload's lock.
    assert.equal((await head(url)).headers.get('upload-offset'), String(half));

    // The whole server goes: HTTP, uploads, runtime. A new one starts on the same data dir.
    await s.close();
    await first.rt.close();
    second = await testRuntime({}, {}, { sameDataAs: first });
    s = await startTusServer(second.rt);
    const again = new URL(new URL(url).pathname, s.url).href;
    const h = await head(again);
    assert.equal(h.status, 200);
    assert.equal(h.headers.get('upload-length'), String(media.length));
    const offset = Number(h.headers.get('upload-offset'));
    assert.equal(offset, half);
    const rest = await patch(again, offset, media.subarray(offset));
    assert.equal(rest.status, 204);
    assert.equal(rest.headers.get('upload-offset'), String(media.length));
    assert.equal(sha256(await readFile(file)), sha256(media), 'byte-identical after the restart');

    const done = await finishedUpload(uploadsDir(second.rt.config), idOf(url));
    assert.equal(done.path, file);
    assert.equal(done.size, media.length);
    assert.equal(done.filename, 'Holiday clip.mp4', 'the client name kept, its folders dropped');
    assert.deepEqual(done.probe.streams.map((x) => x.type).sort(), ['audio', 'video']);
  } finally {
    await s.close();
    await second?.close();
    await first.close();
  }
});

test('server.maxUploadBytes: oversize uploads are refused with 413 and never grow past the limit on disk', async () => {
  const limit = MiB;
  const t = await testRuntime({}, { server: { maxUploadBytes: limit } });
  const s = await startTusServer(t.rt);
  const dir = uploadsDir(t.rt.config);
  const sizeOf = async (url: string) => (await stat(join(dir, idOf(url)))).size;
  const chunks = (total: number) => Array.from({ length: Math.ceil(total / 65536) }, (_, i) => seededBytes(Math.min(65536, total - i * 65536), i + 1));
  try {
    // Declared too large: refused at creation, nothing made.
    const big = await create(s.url, { length: limit + 1 });
    assert.equal(big.status, 413);
    assert.deepEqual(await readdir(dir), []);
    assert.equal((await create(s.url, { length: limit })).status, 201, 'exactly the limit is allowed');

    // Deferred length, body streamed without Content-Length past the limit.
    const deferred = uploadUrl(s.url, await create(s.url));
    const r1 = await patch(deferred, 0, streamOf(chunks(limit + 512 * 1024)));
    assert.equal(r1.status, 413);
    assert.ok(await sizeOf(deferred) <= limit, `deferred: ${await sizeOf(deferred)} bytes on disk, limit ${limit}`);
    // ... with a Content-Length past the limit: refused before reading.
    const deferred2 = uploadUrl(s.url, await create(s.url));
    assert.equal((await patch(deferred2, 0, seededBytes(limit + 1, 5))).status, 413);
    assert.equal(await sizeOf(deferred2), 0);
    // ... or declaring a length past the limit later.
    assert.equal((await patch(deferred2, 0, new Uint8Array(0), { 'Upload-Length': String(limit + 1) })).status, 413);

    // Declared length: a PATCH beyond it is refused, streamed or not.
    const small = uploadUrl(s.url, await create(s.url, { length: 100_000 }));
    assert.equal((await patch(small, 0, seededBytes(100_001, 6))).status, 413);
    assert.equal(await sizeOf(small), 0);
    const r2 = await patch(small, 0, streamOf(chunks(300_000)));
    assert.equal(r2.status, 413);
    assert.ok(await sizeOf(small) <= 100_000, `declared: ${await sizeOf(small)} bytes on disk`);
  } finally {
    await s.close();
    await t.close();
  }
});

test('expiration: the cleanup removes unfinished uploads older than server.uploadExpiryHours, keeps finished ones', async () => {
  const t = await testRuntime({}, { server: { uploadExpiryHours: 2 } });
  const s = await startTusServer(t.rt);
  const dir = uploadsDir(t.rt.config);
  try {
    const data = seededBytes(50_000, 9);
    const unfinished = uploadUrl(s.url, await create(s.url, { length: data.length }));
    assert.equal((await patch(unfinished, 0, data.subarray(0, 20_000))).status, 204);
    const deferred = uploadUrl(s.url, await create(s.url));
    const finished = uploadUrl(s.url, await create(s.url, { length: data.length, body: data }));
    // The clock the cleanup is given, relative to when the last upload was made.
    const createdAt = async (url: string) => Date.parse((JSON.parse(await readFile(join(dir, `${idOf(url)}.json`), 'utf8')) as { creation_date: string }).creation_date);
    const expiry = 2 * 3_600_000;
    const newest = Math.max(await createdAt(unfinished), await createdAt(deferred));
    const oldest = Math.min(await createdAt(unfinished), await createdAt(deferred));

    // Not past the expiry: nothing goes.
    assert.deepEqual(await s.uploads.removeExpired(oldest + expiry), []);
    assert.equal((await readdir(dir)).length, 6);
    // Past it: both unfinished uploads go, file and metadata; the finished one stays.
    const removed = await s.uploads.removeExpired(newest + expiry + 1);
    assert.deepEqual(removed.sort(), [idOf(unfinished), idOf(deferred)].sort());
    assert.deepEqual((await readdir(dir)).sort(), [idOf(finished), `${idOf(finished)}.json`].sort());
    assert.equal((await head(unfinished)).status, 404);
    assert.equal((await head(finished)).headers.get('upload-offset'), String(data.length));
  } finally {
    await s.close();
    await t.close();
  }
});

test('finishedUpload: media is probed; random bytes, an unfinished or unknown upload get coded errors', async () => {
  const t = await testRuntime({});
  const s = await startTusServer(t.rt);
  const dir = uploadsDir(t.rt.config);
  const upload = async (bytes: Uint8Array, meta?: Record<string, string>) => idOf(uploadUrl(s.url, await create(s.url, { length: bytes.length, body: bytes, meta })));
  try {
    const media = await upload(await readFile(await h264AacMp4()), { filename: 'clip.mp4', filetype: 'video/mp4' });
    const ok = await finishedUpload(dir, media);
    assert.equal(ok.probe.container, 'mov,mp4,m4a,3gp,3g2,mj2');
    assert.equal(ok.filename, 'clip.mp4');

    const junk = await upload(await readFile(await randomBytesFile()), { filename: 'random.mkv' });
    await assert.rejects(finishedUpload(dir, junk), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'E_MEDIA_UNREADABLE');
      assert.match(e.message, new RegExp(`Upload ${junk} \\(random\\.mkv\\)`));
      return true;
    });

    const partial = idOf(uploadUrl(s.url, await create(s.url, { length: 1000, body: new Uint8Array(10) })));
    await assert.rejects(finishedUpload(dir, partial), { code: 'E_UPLOAD_INCOMPLETE', message: `Upload ${partial} has 10 of 1000 bytes` });
    const deferred = idOf(uploadUrl(s.url, await create(s.url)));
    await assert.rejects(finishedUpload(dir, deferred), { code: 'E_UPLOAD_INCOMPLETE' });

    for (const id of ['0123456789abcdef0123456789abcdef', '..', `../${media}`, `${media}.json`, '']) {
      await assert.rejects(finishedUpload(dir, id), { code: 'E_UPLOAD_NOT_FOUND' }, id);
    }
  } finally {
    await s.close();
    await t.close();
  }
});

test('the uploads are hono routes: middleware added before them (auth, Host check) guards every tus request', async () => {
  const t = await testRuntime({});
  const dir = uploadsDir(t.rt.config);
  const uploads = openUploadServer({ dir, maxBytes: 0, expiryMs: 3_600_000 });
  const app = new Hono();
  const seen: string[] = [];
  app.use('*', async (c, next) => {
    seen.push(c.req.method);
    if (c.req.header('x-api-key') !== 'k') return c.text('no key', 401);
    await next();
  });
  mountUploads(app, uploads);
  const http = await bindHttp({ host: '127.0.0.1', port: 0 } as Config['server']);
  http.mount(app);
  try {
    assert.equal((await create(http.url, { length: 10, body: new Uint8Array(10) })).status, 401);
    assert.deepEqual(await readdir(dir), [], 'refused before the tus server saw it');
    const ok = await fetch(`${http.url}/uploads`, { method: 'POST', headers: { ...TUS, 'Upload-Length': '3', 'x-api-key': 'k' } });
    assert.equal(ok.status, 201);
    const url = uploadUrl(http.url, ok);
    for (const r of [await patch(url, 0, new Uint8Array(3)), await head(url), await del(url)]) assert.equal(r.status, 401);
    assert.deepEqual(seen, ['POST', 'POST', 'PATCH', 'HEAD', 'DELETE']);
    assert.equal((await readdir(dir)).length, 2, 'the upload is untouched');
  } finally {
    uploads.close();
    await http.close();
    await t.close();
  }
});

test('a job on a finished upload: the video is dubbed under the client\'s file name in a folder of its own, its artifacts download; the job outlives the upload, and the folder goes with the job', async () => {
  const t = await testRuntime({ deliver: await deliverPreset() });
  const http = await bindHttp({ ...t.rt.config.server, host: '127.0.0.1', port: 0 } as Config['server']);
  http.mount(createHttpApp(t.rt));
  const post = (path: string, body: unknown) => fetch(`${http.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  try {
    const video = await readFile(await h264AacMp4());
    const created = await create(http.url, { length: video.length, meta: { filename: 'Holiday clip.mp4' } });
    const url = uploadUrl(http.url, created);
    // Unfinished: refused with a coded error, no job.
    assert.equal((await patch(url, 0, video.subarray(0, 1000))).status, 204);
    const early = await post('/api/jobs', { uploadId: idOf(url), preset: 'deliver', targetLanguages: ['es'] });
    assert.equal(early.status, 409);
    assert.equal((await early.json() as { error: { code: string } }).error.code, 'E_UPLOAD_INCOMPLETE');
    assert.equal((await patch(url, 1000, video.subarray(1000))).status, 204);

    const res = await post('/api/jobs', { uploadId: idOf(url), preset: 'deliver', targetLanguages: ['es'] });
    assert.equal(res.status, 201);
    const job = await res.json() as { id: string; input: string };
    const folder = join(uploadsDir(t.rt.config), 'files', idOf(url));
    assert.equal(job.input, join(folder, 'Holiday clip.mp4'));
    assert.equal((await finished(t, job.id)).status, 'succeeded');
    assert.deepEqual((await readdir(folder)).sort(), ['Holiday clip - dub es.mp4', 'Holiday clip.mp4']);
    const artifacts = (await (await fetch(`${http.url}/api/jobs/${job.id}/artifacts`)).json() as { items: Array<{ name: string; url: string }> }).items;
    const dubbed = artifacts.find((a) => a.name === 'Holiday clip - dub es.mp4');
    assert.ok(dubbed, artifacts.map((a) => a.name).join(', '));
    assert.equal(sha256(new Uint8Array(await (await fetch(`${http.url}${dubbed.url}`)).arrayBuffer())), sha256(await readFile(join(folder, 'Holiday clip - dub es.mp4'))));

    // The upload itself is terminated: the job's input keeps its data (a hard link).
    assert.equal((await del(url)).status, 204);
    assert.equal(sha256(await readFile(job.input)), sha256(video));
    assert.deepEqual((await readdir(folder)).sort(), ['Holiday clip - dub es.mp4', 'Holiday clip.mp4'], 'the job keeps the folder: its artifacts are there');
    const gone = await fetch(`${http.url}/api/jobs/${job.id}`, { method: 'DELETE' });
    assert.equal(gone.status, 200);
    assert.equal(await stat(folder).catch(() => undefined), undefined, 'the last job on a removed upload takes its folder along');
  } finally {
    (http.server as import('node:http').Server).closeAllConnections();
    await http.close();
    await t.close();
  }
});

test('a job that jobs.retentionDays expires takes the folder of its removed upload along', async () => {
  const t = await testRuntime({ stuck: { steps: [{ id: 'wait', capability: 'slow', inputs: { source: 'source' }, params: { untilCancelled: true } }] } }, { jobs: { retentionDays: 30 } });
  const s = await startTusServer(t.rt);
  try {
    const video = await readFile(await h264AacMp4());
    const id = idOf(uploadUrl(s.url, await create(s.url, { length: video.length, body: video, meta: { filename: 'Old.mp4' } })));
    const made = await fetch(`${s.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uploadId: id, preset: 'stuck', targetLanguages: [] }) });
    const job = await made.json() as { id: string; input: string };
    await waitFor(t, (e) => e.jobId === job.id && e.type === 'job.progress');
    assert.equal((await del(`${s.url}/uploads/${id}`)).status, 204);
    t.rt.jobs.cancel(job.id);
    assert.equal((await finished(t, job.id)).status, 'cancelled');
    await t.rt.housekeeping.idle();
    assert.ok((await stat(job.input)).isFile(), 'a cancelled job within retention keeps its input');

    const past = Date.now() - 31 * 86_400_000;
    t.rt.store.db.prepare('UPDATE jobs SET created_at = ?, finished_at = ? WHERE id = ?').run(past, past, job.id);
    t.rt.housekeeping.request();
    await t.rt.housekeeping.idle();
    assert.throws(() => t.rt.store.getJob(job.id), /No job/);
    assert.equal(await stat(join(uploadsDir(t.rt.config), 'files', id)).catch(() => undefined), undefined, 'the folder went with the job');
  } finally {
    await s.close();
    await t.close();
  }
});

test('a terminated or expired upload takes its job-input folder along once no job uses it; a running job\'s input stays until the job goes', async () => {
  const presets = {
    stuck: { steps: [{ id: 'wait', capability: 'slow', inputs: { source: 'source' }, params: { untilCancelled: true } }] },
    quick: { steps: [{ id: 'a', capability: 'noop', inputs: { source: 'source' } }] },
  };
  const t = await testRuntime(presets);
  const s = await startTusServer(t.rt);
  const dir = uploadsDir(t.rt.config);
  const folderOf = (id: string) => join(dir, 'files', id);
  const exists = (path: string) => stat(path).then(() => true, () => false);
  const video = await readFile(await h264AacMp4());
  const upload = async (name: string) => idOf(uploadUrl(s.url, await create(s.url, { length: video.length, body: video, meta: { filename: name } })));
  const createJob = async (uploadId: string, preset: string) => {
    const res = await fetch(`${s.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uploadId, preset, targetLanguages: [] }) });
    assert.equal(res.status, 201, await res.clone().text());
    return await res.json() as { id: string; input: string };
  };
  try {
    // A running job: terminating its upload leaves its input whole; the folder goes with the job.
    const a = await upload('Running.mp4');
    const running = await createJob(a, 'stuck');
    await waitFor(t, (e) => e.jobId === running.id && e.type === 'job.progress');
    assert.equal((await del(`${s.url}/uploads/${a}`)).status, 204);
    assert.equal(sha256(await readFile(running.input)), sha256(video), 'the running job\'s input is intact');
    t.rt.jobs.cancel(running.id);
    assert.equal((await finished(t, running.id)).status, 'cancelled');
    assert.ok(await exists(folderOf(a)), 'a cancelled job may be retried: its input stays');
    await t.rt.jobs.delete(running.id);
    assert.equal(await exists(folderOf(a)), false, 'the last job gone, the upload gone: the folder goes');

    // The job goes first: the upload still holds the folder; terminating it then removes it at once.
    const b = await upload('Done.mp4');
    const done = await createJob(b, 'quick');
    assert.equal((await finished(t, done.id)).status, 'succeeded');
    await t.rt.jobs.delete(done.id);
    assert.deepEqual(await readdir(folderOf(b)), ['Done.mp4'], 'the upload still exists: a job may be made from it again');
    assert.equal((await del(`${s.url}/uploads/${b}`)).status, 204);
    assert.equal(await exists(folderOf(b)), false, 'removed by the time DELETE answered');

    // Two jobs on one upload: the folder stays while either is left.
    const c = await upload('Twice.mp4');
    const [c1, c2] = [await createJob(c, 'quick'), await createJob(c, 'quick')];
    await finished(t, c1.id);
    await finished(t, c2.id);
    assert.equal((await del(`${s.url}/uploads/${c}`)).status, 204);
    await t.rt.jobs.delete(c1.id);
    assert.ok(await exists(c2.input), 'the other job still uses it');
    await t.rt.jobs.delete(c2.id);
    assert.equal(await exists(folderOf(c)), false);

    // Expiry takes the same path: an unfinished upload expired, with a folder of that id (put
    // there by hand: dubarr makes one only for a finished upload), loses it when no job uses it.
    const unfinished = idOf(uploadUrl(s.url, await create(s.url, { length: 1000, body: new Uint8Array(10) })));
    await mkdir(folderOf(unfinished), { recursive: true });
    await writeFile(join(folderOf(unfinished), 'left.mp4'), 'x');
    assert.deepEqual(await s.uploads.removeExpired(Date.now() + 48 * 3_600_000), [unfinished]);
    assert.equal(await exists(folderOf(unfinished)), false);
    assert.deepEqual(await readdir(join(dir, 'files')), []);
  } finally {
    await s.close();
    await t.close();
  }
});
