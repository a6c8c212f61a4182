/**
 * `npm run bench -- api`: the server under load, as a client on this machine sees it.
 * A real `dubarr serve` process (its own event loop, apart from the load generator) on
 * 127.0.0.1, offline engines, jobs.concurrency 2:
 *  1. the GraphQL `jobs` query (a page of 50 with stages) and `job(id)` (stages, artifacts, QA)
 *     at a fixed offered 500 requests/s each, open loop (api.lib.open-loop.ts: latency from the
 *     time a request was due, so a stall cannot hide), while two real dubs of generated 10-minute
 *     talk videos run; the server's event-loop delay p99 meanwhile (perf_hooks, measured inside
 *     the server by a preloaded module, api.lib.loop-monitor.ts);
 *  2. the baseline in the same run: the same queries on the same jobs with no dub running;
 *  3. upload throughput through tus `/uploads` vs `cp` of the same file on the same disk: one
 *     PATCH by `curl -T` (a client with chunkSize Infinity, tus-js-client's default) and
 *     tus-js-client in 16 MiB PATCHes (the web page's chunk size).
 * Prints everything and ends with `RESULT api ...`. Goals (issue 8): p99 < 25 ms, loop lag
 * p99 < 20 ms, upload >= 0.5x cp.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tus from 'tus-js-client';
import { distRoot } from '../../core/app/paths.js';
import { talkVideo } from '../fixtures/speech.js';
import type { LoopWindow } from './api.lib.loop-monitor.js';
import { openLoop, percentile, type OpenLoopResult } from './api.lib.open-loop.js';
import { writeRandom } from './upload.lib.random-file.js';
import { create, del, uploadUrl } from '../medium/core/tus-client.js';

const run = promisify(execFile);
const CLI = join(distRoot, 'core', 'cli', 'main.js');
const LOOP_MONITOR = join(distRoot, 'test', 'bench', 'api.lib.loop-monitor.js');
const RATE = 500;
const PHASE_MS = 15_000;
const WARMUP_MS = 3_000;
const MiB = 1 << 20;
const UPLOAD_BYTES = 512 * MiB;
const UPLOAD_ROUNDS = 3;
const PAGE_CHUNK = 16 * MiB;
/** Finished jobs before the two dubs: the jobs query's page of 50 is then full. */
const HISTORY_JOBS = 48;
const SETTLE_MS = 2_000;

const JOB_FIELDS = 'id status progress eta createdAt finishedAt input targetLanguages error { code message hint } stages { id provider status progress cached durationMs error { code message } }';
const JOBS_QUERY = `query Jobs { jobs(first: 50) { edges { cursor node { ${JOB_FIELDS} } } pageInfo { endCursor hasNextPage } } }`;
const JOB_QUERY = `query Job($id: ID!) { job(id: $id) { ${JOB_FIELDS} artifacts { name kind language url size } qa } }`;

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Server { proc: ChildProcess; base: string }

/** `dubarr serve --port 0` with the loop monitor preloaded; resolves once it says where it listens. */
async function startServer(config: string): Promise<Server> {
  const proc = spawn(process.execPath, ['--import', LOOP_MONITOR, CLI, '--config', config, 'serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let err = '';
  const base = await new Promise<string>((resolve, reject) => {
    const read = (d: Buffer) => {
      err += d.toString();
      const url = /"url":"(http:\/\/[^"]+)"/.exec(err)?.[1];
      if (!url) return;
      // Listening: its later log lines are not read (the pipe is drained, not kept).
      proc.stderr!.off('data', read).resume();
      resolve(url.replace('0.0.0.0', '127.0.0.1'));
    };
    proc.stderr!.on('data', read);
    proc.once('exit', (code) => reject(new Error(`dubarr serve exited (${code}) before listening:\n${err}`)));
  });
  return { proc, base };
}

function loopWindow(s: Server, act: 'reset' | 'read'): Promise<LoopWindow | undefined> {
  if (act === 'reset') { s.proc.send('reset'); return Promise.resolve(undefined); }
  return new Promise((resolve) => {
    s.proc.once('message', (m) => resolve(m as LoopWindow));
    s.proc.send('read');
  });
}

async function gql<T>(base: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await res.json() as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

const statusOf = async (base: string, id: string) => (await gql<{ job: { status: string } }>(base, 'query($id: ID!) { job(id: $id) { status } }', { id })).job.status;

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const end = Date.now() + timeoutMs; // a hang guard, no bound on speed
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A GraphQL answer in a 200 can still be an error. */
const dataWithoutErrors = (_: number, body: string) => (body.startsWith('{"data"') && !body.includes('"errors"') ? undefined : `unexpected body ${body.slice(0, 200)}`);

/** The machine's CPU time so far, from /proc/stat's first line, in clock ticks: busy (user..softirq) and steal. */
function machineTicks(): { busy: number; steal: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/**
 * Share of the machine's CPU time, during a window, that was busy (every process, ours too)
 * and that the hypervisor took away (steal: the virtual cores did not run at all).
 */
function machineShare(from: ReturnType<typeof machineTicks>) {
  const to = machineTicks();
  const total = Math.max(1, to.total - from.total);
  return { busy: (to.busy - from.busy) / total, steal: (to.steal - from.steal) / total };
}

interface Phase { name: string; r: OpenLoopResult; loop: LoopWindow; machine: { busy: number; steal: number } }

async function phase(s: Server, name: string, query: string, variables: Record<string, unknown>, durationMs = PHASE_MS): Promise<Phase> {
  // A phase the server fell behind in leaves it answering abandoned requests for a while.
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  await loopWindow(s, 'reset');
  const ticks = machineTicks();
  const r = await openLoop({
    url: `${s.base}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }), rate: RATE, durationMs, check: dataWithoutErrors,
  });
  const loop = (await loopWindow(s, 'read'))!;
  return { name, r, loop, machine: machineShare(ticks) };
}

/** Server CPU (every thread; the dubs' engines run in child processes) per request answered. */
const cpuPerRequest = (p: Phase) => (p.loop.cpuS * 1000) / Math.max(1, p.r.ok);

function report(p: Phase): void {
  const { r, loop } = p;
  const l = r.latencies;
  console.log(`  ${p.name.padEnd(28)} p50 ${fmt(percentile(l, 50)).padStart(6)} ms  p90 ${fmt(percentile(l, 90)).padStart(6)}  p99 ${fmt(percentile(l, 99)).padStart(6)}  max ${fmt(l.at(-1) ?? NaN).padStart(6)}  ok ${r.ok}/${r.sent} (${r.achievedRate.toFixed(0)}/s)${r.failed ? ` FAILED ${r.failed}: ${r.failures.join('; ')}` : ''}  ` +
    `${r.achievedRate < 0.95 * RATE ? `SATURATED (the server answers fewer than offered: the latencies are the queue's) ` : ''}| loop lag p50 ${fmt(loop.p50)} p99 ${fmt(loop.p99)} max ${fmt(loop.max)} ms | server CPU ${(loop.cpuS / loop.wallS).toFixed(2)} cores, ${fmt(cpuPerRequest(p))} ms a request | sender late p99 ${fmt(r.sendLateP99)} ms | machine ${(p.machine.busy * 100).toFixed(0)} % busy, steal ${(p.machine.steal * 100).toFixed(1)} %`);
}

async function createUpload(base: string, size: number): Promise<string> {
  const res = await create(base, { length: size });
  if (res.status !== 201) throw new Error(`POST /uploads: ${res.status} ${await res.text()}`);
  return uploadUrl(base, res);
}

/** One PATCH of the whole file by curl in its own process (it streams the file: `-T`). */
async function curlUpload(base: string, file: string, size: number): Promise<{ s: number; url: string }> {
  const url = await createUpload(base, size);
  const t0 = performance.now();
  const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PATCH', '-T', file, '-H', 'Expect:',
    '-H', 'Tus-Resumable: 1.0.0', '-H', 'Upload-Offset: 0', '-H', 'Content-Type: application/offset+octet-stream', url]);
  const s = (performance.now() - t0) / 1000;
  if (stdout !== '204') throw new Error(`curl PATCH: HTTP ${stdout}`);
  return { s, url };
}

/** tus-js-client as the web page uses it (16 MiB PATCHes), here in Node reading the file. */
async function tusJsUpload(base: string, file: string, size: number): Promise<{ s: number; url: string }> {
  const t0 = performance.now();
  const url = await new Promise<string>((resolve, reject) => {
    const u = new tus.Upload(createReadStream(file), {
      endpoint: `${base}/uploads`, chunkSize: PAGE_CHUNK, uploadSize: size, retryDelays: [],
      onSuccess: () => resolve(u.url!), onError: reject,
    });
    u.start();
  });
  return { s: (performance.now() - t0) / 1000, url: new URL(url, base).href };
}

async function uploads(s: Server, dir: string, uploadsDir: string) {
  const src = join(dir, 'upload-source.bin');
  await writeRandom(src, UPLOAD_BYTES);
  await run('sh', ['-c', 'cat "$0" > /dev/null', src]); // the page cache holds it for every way alike
  const cpS: number[] = [];
  const curlS: number[] = [];
  const pageS: number[] = [];
  for (let i = 0; i < UPLOAD_ROUNDS; i++) {
    // Each way starts with no dirty pages of the one before waiting to be written back.
    await run('sync');
    const copy = join(dir, 'copy.bin');
    const t0 = performance.now();
    await run('cp', [src, copy]);
    cpS.push((performance.now() - t0) / 1000);
    await rm(copy);
    for (const [times, how] of [[curlS, curlUpload], [pageS, tusJsUpload]] as const) {
      await run('sync');
      const { s: secs, url } = await how(s.base, src, UPLOAD_BYTES);
      const written = (await stat(join(uploadsDir, url.slice(url.lastIndexOf('/') + 1)))).size;
      if (written !== UPLOAD_BYTES) throw new Error(`upload ${url}: ${written} of ${UPLOAD_BYTES} bytes on disk`);
      times.push(secs);
      await del(url);
    }
  }
  return { cpS, curlS, pageS };
}

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bench-api-'));
  let server: Server | undefined;
  try {
    // Two different films (another bed level), so neither dub is the other's stage-cache hit.
    const [a, b] = await Promise.all([
      talkVideo({ long: true, dir, name: 'talk-a' }),
      talkVideo({ long: true, dir, name: 'talk-b', backgroundDb: -34 }),
    ]);
    const config = join(dir, 'dubarr.yaml');
    await writeFile(config, [
      `dataDir: ${join(dir, 'data')}`,
      'log: { level: info, pretty: never }',
      'watch: { enabled: false }',
      'jobs: { concurrency: 2 }',
      `server: { host: 127.0.0.1, mediaRoots: [${dir}] }`,
      '',
    ].join('\n'));
    server = await startServer(config);
    const s = server;
    console.log(`server ${s.base} (dubarr serve, pid ${s.proc.pid}); ${availableParallelism()} cores; offered ${RATE} req/s per phase, ${PHASE_MS / 1000} s each, open loop`);

    const create = async (path: string) => (await gql<{ createJob: { id: string } }>(s.base,
      'mutation($i: CreateJobInput!) { createJob(input: $i) { id } }', { i: { path, targetLanguages: ['es'], outputMode: 'SIDECAR' } })).createJob.id;
    const ended = async (id: string) => !['QUEUED', 'RUNNING'].includes(await statusOf(s.base, id));
    // A server's history: a page of finished jobs. One real dub of a short video, then the same
    // again (stage-cache hits, each a real job with every stage recorded).
    const short = await talkVideo({ dir, name: 'history' });
    const first = await create(short.path);
    await until('the first history dub ends', () => ended(first));
    const history = [first];
    for (let i = 1; i < HISTORY_JOBS; i++) history.push(await create(short.path));
    await until('the history jobs end', async () => (await Promise.all(history.map(ended))).every(Boolean));
    const notOk = (await Promise.all(history.map((id) => statusOf(s.base, id)))).filter((st) => st !== 'SUCCEEDED');
    if (notOk.length > 0) throw new Error(`history jobs did not all succeed: ${notOk.join(', ')}`);

    const dubs = [await create(a.path), await create(b.path)];
    const ids = { id: dubs[0] };
    const bothDubs = async (status: string) => (await Promise.all(dubs.map((id) => statusOf(s.base, id)))).every((st) => st === status);
    await until('both dubs run', () => bothDubs('RUNNING'));
    const bytesOf = async (query: string, variables: Record<string, unknown>) => (await (await fetch(`${s.base}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
    })).arrayBuffer()).byteLength;
    const sizes = { jobs: await bytesOf(JOBS_QUERY, {}), job: await bytesOf(JOB_QUERY, ids) };
    // JIT and connection warm-up, not reported.
    await phase(s, 'warm-up jobs', JOBS_QUERY, {}, WARMUP_MS);
    await phase(s, 'warm-up job', JOB_QUERY, ids, WARMUP_MS);

    const loadAtStart = load();
    await loopWindow(s, 'reset');
    await new Promise((r) => setTimeout(r, 5_000));
    const quietDubs = (await loopWindow(s, 'read'))!;
    const loaded = [await phase(s, 'jobs, 2 dubs running', JOBS_QUERY, {}), await phase(s, 'job(id), 2 dubs running', JOB_QUERY, ids)];
    const loadLoaded = load();
    const stillRunning = await bothDubs('RUNNING');

    // The baseline: the same jobs, stopped, and no other work.
    for (const id of dubs) await gql(s.base, 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id });
    await until('both dubs are cancelled', () => bothDubs('CANCELLED'), 60_000);
    await new Promise((r) => setTimeout(r, 2_000)); // engine processes gone, CPU settled
    const base = [await phase(s, 'jobs, baseline (idle)', JOBS_QUERY, {}), await phase(s, 'job(id), baseline (idle)', JOB_QUERY, ids)];
    const loadBase = load();

    const up = await uploads(s, dir, join(dir, 'data', 'uploads'));
    const loadUpload = load();

    console.log(`\nGraphQL at ${RATE} req/s offered (latency from due time to last byte). jobs: a page of 50 (${HISTORY_JOBS} finished + the 2 dubs), ${(sizes.jobs / 1024).toFixed(0)} KiB; job(id): a running dub with artifacts and QA, ${(sizes.job / 1024).toFixed(1)} KiB.`);
    console.log('  (server CPU counts every thread of the server process: with dubs running, their worker threads too; the engines are child processes and not counted)');
    for (const p of [...loaded, ...base]) report(p);
    console.log(`  event-loop lag with 2 dubs running and no queries (5 s): p50 ${fmt(quietDubs.p50)} p99 ${fmt(quietDubs.p99)} max ${fmt(quietDubs.max)} ms, server CPU ${(quietDubs.cpuS / quietDubs.wallS).toFixed(2)} cores`);
    console.log(`  both dubs still running at the end of the loaded phases: ${stillRunning ? 'yes' : 'NO (the loaded figures cover less than both dubs)'}`);
    console.log(`  load average (1/5/15 min): ${loadAtStart} before the loaded phases, ${loadLoaded} after, ${loadBase} after the baseline`);

    const mbps = (secs: number) => UPLOAD_BYTES / MiB / secs;
    const list = (xs: number[]) => xs.map((x) => mbps(x).toFixed(0)).join(', ');
    const [cp, curl, page] = [median(up.cpS), median(up.curlS), median(up.pageS)];
    console.log(`\nupload of ${UPLOAD_BYTES / MiB} MiB, ${UPLOAD_ROUNDS} rounds (MiB/s each; ratios of medians):`);
    console.log(`  cp                                   ${list(up.cpS)}`);
    console.log(`  tus, one PATCH (curl -T)             ${list(up.curlS)}  = ${(cp / curl).toFixed(2)}x cp (goal >= 0.5x)`);
    console.log(`  tus, 16 MiB PATCHes (tus-js-client)  ${list(up.pageS)}  = ${(cp / page).toFixed(2)}x cp`);
    console.log(`  load average after the uploads: ${loadUpload}`);

    const [jobsLoaded, jobLoaded] = loaded as [Phase, Phase];
    const [jobsBase, jobBase] = base as [Phase, Phase];
    const p = (ph: Phase, q: number) => fmt(percentile(ph.r.latencies, q));
    const failed = [...loaded, ...base].reduce((n, ph) => n + ph.r.failed, 0);
    console.log(`RESULT api rate=${RATE} jobs_p50_ms=${p(jobsLoaded, 50)} jobs_p99_ms=${p(jobsLoaded, 99)} jobs_answered_per_s=${jobsLoaded.r.achievedRate.toFixed(0)} ` +
      `job_p50_ms=${p(jobLoaded, 50)} job_p99_ms=${p(jobLoaded, 99)} job_answered_per_s=${jobLoaded.r.achievedRate.toFixed(0)} ` +
      `loop_p99_ms_jobs=${fmt(jobsLoaded.loop.p99)} loop_p99_ms_job=${fmt(jobLoaded.loop.p99)} loop_p99_ms_dubs_alone=${fmt(quietDubs.p99)} ` +
      `upload_vs_cp=${(cp / curl).toFixed(2)} upload_16mib_vs_cp=${(cp / page).toFixed(2)} upload_mib_s=${mbps(curl).toFixed(0)} cp_mib_s=${mbps(cp).toFixed(0)} ` +
      `base_jobs_p50_ms=${p(jobsBase, 50)} base_jobs_p99_ms=${p(jobsBase, 99)} base_job_p50_ms=${p(jobBase, 50)} base_job_p99_ms=${p(jobBase, 99)} ` +
      `base_loop_p99_ms_jobs=${fmt(jobsBase.loop.p99)} base_loop_p99_ms_job=${fmt(jobBase.loop.p99)} base_jobs_cpu_ms=${fmt(cpuPerRequest(jobsBase))} base_job_cpu_ms=${fmt(cpuPerRequest(jobBase))} ` +
      `failed=${failed} dubs_ran_throughout=${stillRunning} load=${loadLoaded.split(' ')[0]} steal_pct_job=${(jobLoaded.machine.steal * 100).toFixed(1)}`);
  } finally {
    if (server) {
      server.proc.disconnect();
      server.proc.kill('SIGTERM');
      await new Promise((r) => server!.proc.exitCode !== null ? r(undefined) : server!.proc.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  }
}
