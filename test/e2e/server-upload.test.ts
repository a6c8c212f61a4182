/**
 * The server surface end to end, as a remote client uses it, against the real `dubarr serve`
 * process on a random port: a tus upload cut off midway by the server dying (SIGKILL), the server
 * started again on the same data dir, the upload resumed from the offset HEAD gives and finished;
 * createJob from it over GraphQL; jobUpdated followed over SSE and over WebSocket at once (progress
 * never goes back, the last event SUCCEEDED); a Range download returns exactly the bytes asked;
 * and every artifact equals what `dubarr dub` makes from the same file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { distRoot } from '../../core/app/paths.js';
import { dataOf, readEventStream, wsClient, wsSubscribe, type GqlResult } from '../medium/core/graphql-harness.js';
import { create, head, patch, uploadUrl } from '../medium/core/tus-client.js';
import { talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf } from './dub-harness.js';

const CLI = join(distRoot, 'core', 'cli', 'main.js');

interface StageOut { id: string; status: string; progress: number }
interface JobOut { id: string; status: string; progress: number; error?: { code: string; message: string } | null; stages: StageOut[] }
interface ArtifactOut { name: string; kind: string; language: string | null; url: string; size: number }

const FIELDS = 'id status progress error { code message } stages { id status progress }';
const JOB_UPDATED = `subscription($id: ID!) { jobUpdated(id: $id) { ${FIELDS} } }`;

interface Served { proc: ChildProcess; base: string; stopped: Promise<number | null> }

/** `dubarr serve --port 0` on its own data dir; resolves once it logs the address it listens on. */
async function serve(config: string, dataDir: string): Promise<Served> {
  const proc = spawn(process.execPath, [CLI, '--config', config, 'serve', '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DUBARR_DATA_DIR: dataDir, DUBARR_LOG_LEVEL: 'info', DUBARR_LOG_PRETTY: 'never' },
  });
  const stopped = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  const lines = createInterface({ input: proc.stderr! });
  let log = '';
  for await (const line of lines) {
    log += `${line}\n`;
    const entry = (() => { try { return JSON.parse(line) as { msg?: string; url?: string }; } catch { return {}; } })();
    if (entry.msg === 'dubarr is serving' && entry.url) {
      lines.on('line', () => {}); // keep draining stderr
      return { proc, base: `http://127.0.0.1:${new URL(entry.url).port}`, stopped };
    }
  }
  throw new Error(`serve exited before listening (${String(await stopped)}):\n${log}`);
}

function assertNeverBack(jobs: JobOut[], door: string): void {
  for (let i = 1; i < jobs.length; i++) {
    assert.ok(jobs[i]!.progress >= jobs[i - 1]!.progress, `${door}: job progress went back at update ${i}`);
    for (const st of jobs[i]!.stages) {
      const before = jobs[i - 1]!.stages.find((x) => x.id === st.id)?.progress ?? 0;
      assert.ok(st.progress >= before, `${door}: stage ${st.id} went back at update ${i}: ${before} -> ${st.progress}`);
    }
  }
  const last = jobs.at(-1)!;
  assert.equal(last.status, 'SUCCEEDED', `${door}: ${JSON.stringify(last.error)}`);
  assert.equal(last.progress, 1);
  assert.ok(last.stages.every((s) => s.status === 'SUCCEEDED' || s.status === 'SKIPPED'), `${door}: ${JSON.stringify(last.stages)}`);
}

test('upload cut off by a server crash, resumed after restart, dubbed over GraphQL with live progress on SSE and WebSocket; downloads (whole and Range) equal `dubarr dub`', async () => {
  const w = await dubWorkspace('server');
  const servers: Served[] = [];
  try {
    const video = await talkVideo({ dir: w.dir, name: 'Show' });
    const media = await readFile(video.path);

    // What the CLI makes from the same file: the reference.
    const cliOut = join(w.dir, 'cli');
    const run = await w.dub(video.path, '--from', 'en', '--to', 'es', '--out', cliOut);
    assert.equal(run.code, 0, run.err);
    const cliTrack = (run.runs.filter((r) => r.step === 'mix:es').at(-1)!.artifacts as { files: { track: string } }).files.track;
    const cliWritten = (outputsOf(run.job).mux!.data as { written: string[] }).written.map((f) => f.slice(cliOut.length + 1)).sort();
    run.store.db.close();

    // The server has a data dir of its own, so nothing it does is a cache hit of the CLI's run.
    const serverData = join(w.dir, 'server-data');
    const config = join(w.dir, 'dubarr.yaml');
    let s = await serve(config, serverData);
    servers.push(s);

    // Half the file in one PATCH whose server dies before the rest is sent.
    const half = Math.floor(media.length / 2);
    const created = await create(s.base, { length: media.length, meta: { filename: 'Show.mp4' } });
    assert.equal(created.status, 201);
    const path = new URL(uploadUrl(s.base, created)).pathname;
    const id = path.slice(path.lastIndexOf('/') + 1);
    const onDisk = join(serverData, 'uploads', id);
    let push!: (b: Uint8Array) => void;
    const body = new ReadableStream<Uint8Array>({ start(c) { push = (b) => c.enqueue(b); } });
    const cut = patch(`${s.base}${path}`, 0, body).catch((e: unknown) => e);
    push(media.subarray(0, half));
    for (let until = Date.now() + 60_000; (await stat(onDisk)).size < half;) { // a hang guard only
      if (Date.now() > until) throw new Error('the first half never reached the disk');
      await new Promise((r) => setTimeout(r, 20));
    }
    s.proc.kill('SIGKILL');
    await s.stopped;
    assert.ok(await cut instanceof Error, 'the cut PATCH failed on the client');

    s = await serve(config, serverData);
    servers.push(s);
    const h = await head(`${s.base}${path}`);
    assert.equal(h.status, 200);
    assert.equal(h.headers.get('upload-length'), String(media.length));
    const offset = Number(h.headers.get('upload-offset'));
    assert.equal(offset, half, 'the restarted server resumes from what reached the disk');
    const rest = await patch(`${s.base}${path}`, offset, media.subarray(offset));
    assert.equal(rest.status, 204);
    assert.equal(rest.headers.get('upload-offset'), String(media.length));

    const gql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
      const res = await fetch(`${s.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return dataOf(await res.json() as GqlResult<T>);
    };

    // jobsUpdated is open before the job exists, so one stream certainly sees the whole run.
    const client = wsClient(s);
    let jobId = '';
    const everyUpdate: JobOut[] = [];
    let sawEnd!: () => void;
    const ended = new Promise<void>((r) => { sawEnd = r; });
    void wsSubscribe<{ jobsUpdated: JobOut }>(client, `subscription { jobsUpdated { ${FIELDS} } }`, {}, (r) => {
      const job = dataOf(r).jobsUpdated;
      if (job.id !== jobId) return;
      everyUpdate.push(job);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) sawEnd();
    });
    // graphql-ws is lazy: a query over the same socket returns once the subscription above is registered.
    await new Promise<void>((resolve, reject) => client.subscribe({ query: '{ system { version } }' }, { next() {}, error: reject, complete: resolve }));

    jobId = (await gql<{ createJob: { id: string } }>(
      'mutation($u: ID!) { createJob(input: { uploadId: $u, sourceLanguage: "en", targetLanguages: ["es"] }) { id } }', { u: id },
    )).createJob.id;

    const q = new URLSearchParams({ query: JOB_UPDATED, variables: JSON.stringify({ id: jobId }) });
    const [sse, ws] = await Promise.all([
      fetch(`${s.base}/graphql?${q}`, { headers: { accept: 'text/event-stream' } }).then((res) => readEventStream(res)),
      wsSubscribe<{ jobUpdated: JobOut }>(client, JOB_UPDATED, { id: jobId }),
    ]);
    await ended;
    await client.dispose();
    assert.equal(sse.at(-1)!.event, 'complete', 'the SSE stream ends after the job does');
    const sseJobs = sse.filter((e) => e.event === 'next').map((e) => dataOf(JSON.parse(e.data) as GqlResult<{ jobUpdated: JobOut }>).jobUpdated);
    assertNeverBack(sseJobs, 'SSE jobUpdated');
    assertNeverBack(ws.map((r) => dataOf(r).jobUpdated), 'WebSocket jobUpdated');
    assertNeverBack(everyUpdate, 'WebSocket jobsUpdated');
    assert.ok(everyUpdate.some((j) => j.status === 'RUNNING' && j.progress > 0 && j.progress < 1), 'jobsUpdated showed the job part-way');

    const { job } = await gql<{ job: { input: string; artifacts: ArtifactOut[] } }>('query($id: ID!) { job(id: $id) { input artifacts { name kind language url size } } }', { id: jobId });
    assert.ok(job.input.startsWith(join(serverData, 'uploads')), `the job reads the upload: ${job.input}`);
    const files = job.artifacts.filter((a) => a.kind === 'VIDEO' || a.kind === 'SUBTITLE');
    assert.deepEqual(files.map((a) => a.name).sort(), cliWritten, 'the same files, by name, as the CLI wrote');
    for (const a of files) {
      const got = Buffer.from(await (await fetch(`${s.base}${a.url}`)).arrayBuffer());
      assert.equal(got.length, a.size, `${a.name}: the size Job.artifacts gives`);
      assert.ok(got.equals(await readFile(join(cliOut, a.name))), `${a.name} equals the CLI's`);
    }
    const track = job.artifacts.find((a) => a.name.startsWith('dub-track.es.'));
    assert.ok(track, JSON.stringify(job.artifacts.map((a) => a.name)));
    assert.ok(Buffer.from(await (await fetch(`${s.base}${track.url}`)).arrayBuffer()).equals(await readFile(cliTrack)), 'the dub track equals the one the CLI muxed');

    // A Range in the middle of the dubbed video: exactly those bytes.
    const dubbed = files.find((a) => a.kind === 'VIDEO')!;
    const reference = await readFile(join(cliOut, dubbed.name));
    const [from, to] = [Math.floor(reference.length / 3), Math.floor(reference.length / 3) + 4095];
    const ranged = await fetch(`${s.base}${dubbed.url}`, { headers: { range: `bytes=${from}-${to}` } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes ${from}-${to}/${reference.length}`);
    assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(reference.subarray(from, to + 1)), 'the asked bytes, no more, no fewer');

    s.proc.kill('SIGTERM');
    assert.equal(await s.stopped, 0, 'the server stops cleanly');
  } finally {
    for (const x of servers) x.proc.kill('SIGKILL');
    await Promise.all(servers.map((x) => x.stopped));
    await rm(w.dir, { recursive: true, force: true });
  }
});
