/**
 * `POST /api/jobs` as multipart/form-data with the file, on a real server (127.0.0.1, port 0)
 * over the real runtime: the file streams into the uploads folder as an upload, is probed, and
 * the job runs on it (the real ffmpeg extract and mux on a generated MP4). Limits, bad forms,
 * the API key and a client that goes away midway.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { bindHttp, type BoundHttp } from '../../../core/cli/serve.js';
import type { Config } from '../../../core/config/schema.js';
import { createHttpApp } from '../../../core/http/app.js';
import { uploadsDir } from '../../../core/uploads/uploads-dir.js';
import { h264AacMp4, randomBytesFile, seededBytes } from '../../fixtures/media.js';
import { deliverPreset } from './deliver-preset.js';
import { finished, testRuntime, type TestRuntime } from './harness.js';
import { expectError, type ErrorBody } from './error-body.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const KiB = 1024;


async function server(t: TestRuntime, headers: Record<string, string> = {}) {
  const http = await bindHttp({ ...t.rt.config.server, host: '127.0.0.1', port: 0 } as Config['server']);
  http.mount(createHttpApp(t.rt));
  const call = (path: string, init: RequestInit = {}) => fetch(`${http.url}${path}`, { ...init, headers: { ...headers, ...init.headers as Record<string, string> } });
  const post = (form: FormData, extra: Record<string, string> = {}) => call('/api/jobs', { method: 'POST', body: form, headers: extra });
  return { http, call, post, close: () => closeServer(http) };
}

async function closeServer(http: BoundHttp): Promise<void> {
  const closed = http.close();
  // A request cut off midway may leave its socket open: the server going away drops it.
  (http.server as import('node:http').Server).closeAllConnections();
  await closed;
}

/** A form whose fields are appended in the order given; `file` is [bytes, file name]. */
function form(entries: Array<[string, string | [Uint8Array, string]]>): FormData {
  const f = new FormData();
  for (const [name, value] of entries) {
    if (typeof value === 'string') f.append(name, value);
    else f.append(name, new Blob([new Uint8Array(value[0])]), value[1]);
  }
  return f;
}

/** What is in the uploads folder besides the (possibly empty) job-input folder `files`. */
async function uploadsLeft(t: TestRuntime): Promise<string[]> {
  return (await readdir(uploadsDir(t.rt.config)).catch(() => [] as string[])).filter((n) => n !== 'files');
}

async function jobInputFolders(t: TestRuntime): Promise<string[]> {
  return readdir(join(uploadsDir(t.rt.config), 'files')).catch(() => []);
}

const BOUNDARY = 'dubarr-test-7f3a';
const FORM_HEADERS = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

/**
 * A multipart body streamed in `chunk`-sized pieces without Content-Length (as curl sends a
 * file of unknown size); before each piece `beforeChunk` runs, to watch the disk or to stop.
 */
function streamedForm(parts: Uint8Array[], chunk: number, beforeChunk: (sent: number) => Promise<void> | void): { body: ReadableStream<Uint8Array>; headers: Record<string, string> } {
  const all = Buffer.concat(parts);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      await beforeChunk(at);
      if (at >= all.length) { c.close(); return; }
      c.enqueue(all.subarray(at, at + chunk));
      at += chunk;
    },
  }, { highWaterMark: 0 });
  return { body, headers: FORM_HEADERS };
}
const filePart = (name: string, filename: string) => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: video/mp4\r\n\r\n`);
const fieldPart = (name: string, value: string) => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
const END = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/** The largest upload file (not its metadata) in the uploads folder now. */
async function largestUploadFile(t: TestRuntime): Promise<number> {
  const dir = uploadsDir(t.rt.config);
  let most = 0;
  for (const n of await uploadsLeft(t)) {
    if (n.endsWith('.json')) continue;
    most = Math.max(most, await stat(join(dir, n)).then((s) => s.size, () => 0));
  }
  return most;
}

test('multipart POST /api/jobs: the file (fields after it) becomes the job\'s input under its own name, the job succeeds, the artifacts download; the answer is the JSON form\'s', async () => {
  const t = await testRuntime({ deliver: await deliverPreset() });
  const s = await server(t);
  try {
    const video = await readFile(await h264AacMp4());
    // Fields after the file: the job is made once the whole body is in.
    const res = await s.post(form([['file', [video, '../Holiday clip.mp4']], ['targetLanguages', 'es'], ['preset', 'deliver']]));
    assert.equal(res.status, 201, await res.clone().text());
    const job = await res.json() as { id: string; input: string; status: string; targetLanguages: string[]; preset: string };
    assert.equal(res.headers.get('location'), `/api/jobs/${job.id}`);
    assert.deepEqual([job.targetLanguages, job.preset], [['es'], 'deliver']);

    // The same shape as a job made from JSON.
    const viaJson = await s.call('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: t.input, preset: 'deliver', targetLanguages: [] }) });
    assert.equal(viaJson.status, 201);
    assert.deepEqual(Object.keys(job).sort(), Object.keys(await viaJson.json() as object).sort());

    // The client's name made safe, in the upload's folder; the upload itself is gone (the job holds a link).
    const folder = join(uploadsDir(t.rt.config), 'files');
    assert.match(job.input, new RegExp(`^${folder}/[0-9a-f]{32}/Holiday clip\\.mp4$`));
    assert.equal(sha256(await readFile(job.input)), sha256(video), 'the input is the file sent, byte for byte');
    assert.deepEqual(await uploadsLeft(t), [], 'no upload left behind: the job has its own link');
    const metrics = await (await s.call('/metrics')).text();
    assert.match(metrics, new RegExp(`^dubarr_upload_bytes_total ${video.length}$`, 'm'), 'counted as upload bytes');

    assert.equal((await finished(t, job.id)).status, 'succeeded');
    const got = await (await s.call(`/api/jobs/${job.id}`)).json() as { qa: unknown; artifacts: Array<{ name: string; url: string; size: number }> };
    assert.deepEqual(got.artifacts.map((a) => a.name), ['Holiday clip - dub es.mp4', 'dub-track.es.m4a', 'qa-report.json']);
    const download = async (name: string) => {
      const a = got.artifacts.find((x) => x.name === name)!;
      const res = await s.call(a.url);
      assert.equal(res.status, 200, name);
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.equal(bytes.length, a.size, name);
      return { bytes, type: res.headers.get('content-type') };
    };
    const dubbed = await download('Holiday clip - dub es.mp4');
    assert.equal(sha256(dubbed.bytes), sha256(await readFile(join(job.input, '..', 'Holiday clip - dub es.mp4'))), 'the dubbed video, written beside the input');
    assert.equal((await download('dub-track.es.m4a')).type, 'audio/mp4');
    assert.deepEqual(JSON.parse(Buffer.from((await download('qa-report.json')).bytes).toString()), got.qa);

    // Deleting the job removes its folder: nothing of the upload is left.
    assert.equal((await s.call(`/api/jobs/${job.id}`, { method: 'DELETE' })).status, 200);
    assert.deepEqual(await jobInputFolders(t), []);
  } finally {
    await s.close();
    await t.close();
  }
});

test('multipart fields: comma lists and repeats, providers as capability=provider; bad fields, no file part, a file that is not media → coded errors, nothing queued, nothing left', async () => {
  const t = await testRuntime({ noop: { steps: [{ id: 'a', capability: 'noop', inputs: { source: 'source' } }] } }, {}, { takeQueued: false });
  const s = await server(t);
  try {
    const video = new Uint8Array(await readFile(await h264AacMp4()));
    const ok = await s.post(form([
      ['targetLanguages', 'es, ca'], ['targetLanguages', 'fr'], ['sourceLanguage', 'en'], ['preset', 'noop'],
      ['providers', 'translate=apertium'], ['outputMode', 'sidecar'], ['priority', 'backfill'], ['file', [video, 'clip.mp4']],
    ]));
    assert.equal(ok.status, 201, await ok.clone().text());
    const job = await ok.json() as { id: string; targetLanguages: string[]; sourceLanguage: string; priority: number; options: { mode: string; providers: unknown } };
    assert.deepEqual([job.targetLanguages, job.sourceLanguage, job.priority, job.options.mode, job.options.providers],
      [['es', 'ca', 'fr'], 'en', 2, 'sidecar', { translate: 'apertium' }]);
    const folders = await jobInputFolders(t);
    assert.equal(folders.length, 1);

    const refused: Array<[string, Response, number, string, RegExp]> = [
      ['an unknown field', await s.post(form([['file', [video, 'a.mp4']], ['targetLanguage', 'es']])), 400, 'E_INVALID_ARGUMENT', /targetLanguage/],
      ['a path', await s.post(form([['path', t.input], ['file', [video, 'a.mp4']]])), 400, 'E_INVALID_ARGUMENT', /'file' part/],
      ['a field twice', await s.post(form([['preset', 'noop'], ['preset', 'dub'], ['file', [video, 'a.mp4']]])), 400, 'E_INVALID_ARGUMENT', /preset: given 2 times/],
      ['a bad provider choice', await s.post(form([['providers', 'apertium'], ['file', [video, 'a.mp4']]])), 400, 'E_INVALID_ARGUMENT', /capability=provider/],
      // Found only when the job is made, after the file was linked as its input.
      ['an unknown language', await s.post(form([['file', [video, 'a.mp4']], ['targetLanguages', 'xx-nope'], ['preset', 'noop']])), 400, 'E_INVALID_ARGUMENT', /xx-nope/],
      ['no file part', await s.post(form([['targetLanguages', 'es']])), 400, 'E_INVALID_ARGUMENT', /no file in the field 'file'/],
      ['a file in another field', await s.post(form([['video', [video, 'a.mp4']]])), 400, 'E_INVALID_ARGUMENT', /no file in the field 'file'/],
      ['not media', await s.post(form([['file', [await readFile(await randomBytesFile()), 'random.mkv']], ['preset', 'noop']])), 422, 'E_MEDIA_UNREADABLE', /random\.mkv/],
      ['another type', await s.call('/api/jobs', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }), 415, 'E_UNSUPPORTED_MEDIA_TYPE', /multipart\/form-data/],
    ];
    for (const [what, res, status, code, message] of refused) {
      const body = await expectError(res, status, code).catch((e: Error) => assert.fail(`${what}: ${e.message}`));
      assert.match(body.error.message, message, what);
    }
    assert.deepEqual(t.rt.jobs.list().items.map((j) => j.id), [job.id], 'nothing else queued');
    assert.deepEqual(await uploadsLeft(t), [], 'no upload left behind');
    assert.deepEqual(await jobInputFolders(t), folders, 'no other job-input folder');
  } finally {
    await s.close();
    await t.close();
  }
});

test('limits: a file over server.maxUploadBytes is refused with 413, never written past the limit, nothing left; a multipart job is not held to maxRequestBytes (JSON is); the API key applies', async () => {
  const limit = 1024 * KiB;
  const t = await testRuntime({ noop: { steps: [{ id: 'a', capability: 'noop', inputs: { source: 'source' } }] } },
    { server: { maxUploadBytes: limit, maxRequestBytes: 64 * KiB, requireApiKey: true } }, { takeQueued: false });
  const { key } = t.rt.apiKeys.create('tests');
  const s = await server(t, { 'x-api-key': key });
  try {
    const video = new Uint8Array(await readFile(await h264AacMp4()));
    assert.ok(video.length > 64 * KiB && video.length < limit);

    // Streamed without a length, past the limit: stopped there.
    const sizes: number[] = [];
    const streamed = streamedForm([fieldPart('preset', 'noop'), filePart('file', 'big.mp4'), seededBytes(limit + 512 * KiB, 4), END], 16 * KiB,
      async () => { sizes.push(await largestUploadFile(t)); });
    const big = await s.call('/api/jobs', { method: 'POST', body: streamed.body, headers: streamed.headers, duplex: 'half' } as RequestInit);
    const tooLarge = await expectError(big, 413, 'E_UPLOAD_TOO_LARGE');
    assert.match(tooLarge.error.message, /server\.maxUploadBytes/);
    assert.ok(Math.max(...sizes) > 0, 'the file was being written');
    assert.ok(Math.max(...sizes) <= limit, `the file reached ${Math.max(...sizes)} bytes, limit ${limit}`);
    assert.deepEqual(await uploadsLeft(t), [], 'the partial upload is removed');
    // A declared length far past the limit: refused before a byte is written.
    await expectError(await s.post(form([['file', [seededBytes(limit + 2048 * KiB, 5), 'big.mp4']]])), 413, 'E_UPLOAD_TOO_LARGE');
    assert.deepEqual(await uploadsLeft(t), []);

    // The media file is larger than maxRequestBytes: a multipart job is bounded by maxUploadBytes only.
    const made = await s.post(form([['preset', 'noop'], ['targetLanguages', ''], ['file', [video, 'clip.mp4']]]));
    assert.equal(made.status, 201, await made.clone().text());
    // A JSON body that large is refused.
    const json = JSON.stringify({ path: t.input, preset: 'noop', targetLanguages: [], outDir: `/${'x'.repeat(80 * KiB)}` });
    await expectError(await s.call('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: json }), 413, 'E_REQUEST_TOO_LARGE');

    // Without the key: refused before anything is read or written.
    const noKey = await fetch(`${s.http.url}/api/jobs`, { method: 'POST', body: form([['file', [video, 'clip.mp4']]]) });
    await expectError(noKey, 401, 'E_API_KEY_REQUIRED');
    assert.equal(t.rt.jobs.list().items.length, 1);
    assert.deepEqual(await uploadsLeft(t), []);
  } finally {
    await s.close();
    await t.close();
  }
});

/**
 * One POST over node:http on `agent`, its body written as the server takes it (chunked); resolves
 * with the answer once the whole body has been handed to the socket.
 */
function postInChunks(agent: Agent, url: string, headers: Record<string, string>, chunks: Uint8Array[]): Promise<{ status: number; body: string; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'transfer-encoding': 'chunked' } });
    let answer: { status: number; body: string } | undefined;
    let sent = false;
    const settle = () => { if (answer && sent) resolve({ ...answer, reusedSocket: req.reusedSocket }); };
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => { answer = { status: res.statusCode!, body }; settle(); });
    });
    void (async () => {
      for (const c of chunks) {
        if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      }
      req.end(() => { sent = true; settle(); });
    })();
  });
}

test('an upload refused midway for its size: the rest of its body is read and dropped, and the same connection serves the next request', async () => {
  const limit = 1024 * KiB;
  const t = await testRuntime({}, { server: { maxUploadBytes: limit } }, { takeQueued: false });
  const s = await server(t);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    // 8 MiB past the limit: more than the socket buffers hold, so the client can only finish
    // sending it if the server goes on reading.
    const rest = seededBytes(limit + 8192 * KiB, 7);
    const chunks = [fieldPart('preset', 'dub'), filePart('file', 'big.mp4'), ...Array.from({ length: Math.ceil(rest.length / (64 * KiB)) }, (_, i) => rest.subarray(i * 64 * KiB, (i + 1) * 64 * KiB)), END];
    const refused = await postInChunks(agent, `${s.http.url}/api/jobs`, FORM_HEADERS, chunks);
    assert.equal(refused.status, 413);
    assert.equal((JSON.parse(refused.body) as ErrorBody).error.code, 'E_UPLOAD_TOO_LARGE');
    assert.deepEqual(await uploadsLeft(t), []);
    const next = await postInChunks(agent, `${s.http.url}/api/jobs`, { 'content-type': 'application/json' }, [Buffer.from(JSON.stringify({ path: t.input, targetLanguages: [] }))]);
    assert.equal(next.status, 201, next.body);
    assert.equal(next.reusedSocket, true, 'the same keep-alive connection');
  } finally {
    agent.destroy();
    await s.close();
    await t.close();
  }
});

test('a client that goes away in the middle of the file leaves no file behind and queues nothing', async () => {
  const t = await testRuntime({}, {}, { takeQueued: false });
  const s = await server(t);
  try {
    const abort = new AbortController();
    let written = 0;
    const streamed = streamedForm([fieldPart('targetLanguages', 'es'), filePart('file', 'cut.mp4'), seededBytes(2048 * KiB, 6), END], 16 * KiB, async () => {
      written = await largestUploadFile(t);
      // Part of the file is on disk: the client dies.
      if (written > 64 * KiB) abort.abort();
    });
    await assert.rejects(s.call('/api/jobs', { method: 'POST', body: streamed.body, headers: streamed.headers, duplex: 'half', signal: abort.signal } as RequestInit), { name: 'AbortError' });
    assert.ok(written > 64 * KiB, 'the upload was under way');
    // The server notices the dropped connection and cleans up: wait for that state (the
    // deadline only turns a hang into a failure).
    const until = Date.now() + 60_000;
    while ((await uploadsLeft(t)).length > 0) {
      if (Date.now() > until) assert.fail(`left behind: ${(await uploadsLeft(t)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(await jobInputFolders(t), []);
    assert.equal(t.rt.jobs.list().items.length, 0);
  } finally {
    await s.close();
    await t.close();
  }
});
