/**
 * Webhook -> queued latency: how long a sender waits from posting a webhook until dubarr has
 * written the job (the answer comes after the row and its job.queued event), over 127.0.0.1,
 * with a queue that grows to thousands of jobs as it runs. Measured for Sonarr v4 imports one
 * after another, a burst of /hooks/path posts at once, and Jellyfin ItemAdded (which adds a
 * lookup on a fake Jellyfin on 127.0.0.1), against GET /healthz on the same server in the same
 * run (the floor of any request to it). Part of `npm run bench -- watch`, which puts the
 * figures in its RESULT line. Issue 9's goal: p99 < 50 ms.
 */
import { copyFile, link, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { pino } from 'pino';
import { createRuntime } from '../../core/app/runtime.js';
import { bindHttp } from '../../core/cli/serve.js';
import { loadConfig } from '../../core/config/load.js';
import { createHttpApp } from '../../core/http/app.js';
import { FakeMediaBrowser } from '../fixtures/fake-media-servers.js';
import { h264AacMp4 } from '../fixtures/media.js';
import { jellyfinItemAdded, sonarrV4Download } from '../fixtures/webhook-payloads.js';

const TOKEN = 'bench-hook-token-0123456789';
const SEQUENTIAL = 1000;
const BURST = 100;
const JELLYFIN = 300;
const JF_TOKEN = 'bench-jellyfin-key';
const JF_ID = 'f4c3b2a1e0d9c8b7a6f5e4d3c2b1a0f9';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const fmt = (x: number) => x.toFixed(2);

export interface WebhookFigures { sonarrP50: number; sonarrP99: number; burstP99: number; jellyfinP99: number; healthzP99: number; handlerP99: number }

export async function webhookLatency(): Promise<WebhookFigures> {
  const dir = realpathSync(await mkdtemp(join(tmpdir(), 'dubarr-bench-hooks-')));
  const library = join(dir, 'library');
  const total = SEQUENTIAL + BURST + JELLYFIN;
  await mkdir(join(library, 'Season 01'), { recursive: true });
  const name = (i: number) => `Season 01/E${String(i).padStart(4, '0')}.mp4`;
  // Real media (a webhook's file is probed before its job, as a watched folder's is): links of one small MP4.
  const source = join(dir, 'source.mp4');
  await copyFile(await h264AacMp4(), source);
  for (let i = 0; i < total; i++) await link(source, join(library, name(i)));
  const items = Array.from({ length: JELLYFIN }, (_, k) => {
    const i = SEQUENTIAL + BURST + k;
    return { Id: (i + 1).toString(16).padStart(32, '0'), Name: `E${i}`, Type: 'Episode', Path: `/jf/${name(i)}` };
  });
  const jf = await new FakeMediaBrowser('jellyfin', { token: JF_TOKEN, serverId: JF_ID, libraries: [{ name: 'TV', locations: ['/jf'] }], items }).start();
  const config = loadConfig({ env: {}, cwd: dir, overrides: {
    dataDir: join(dir, 'data'), watch: { enabled: false },
    server: { mediaRoots: [library] },
    hooks: { token: TOKEN, pathMap: [{ from: '/tv/The Show', to: library }] },
    mediaServers: [{ kind: 'jellyfin', url: jf.url, token: JF_TOKEN, pathMap: [{ from: '/jf', to: library }] }],
  } });
  // Jobs stay queued: the latency asked about ends when the job is queued.
  const rt = await createRuntime(config, { takeQueued: false, log: pino({ level: 'silent' }) });
  const http = await bindHttp({ ...config.server, host: '127.0.0.1', port: 0 });
  const app = createHttpApp(rt);
  // The server's own share of each round trip: from the request reaching the app to its answer.
  const inServer: number[] = [];
  http.mount({ fetch: async (req: Request) => {
    const t0 = performance.now();
    const res = await app.fetch(req);
    if (new URL(req.url).pathname.startsWith('/hooks/')) inServer.push(performance.now() - t0);
    return res;
  } } as unknown as Hono);
  const post = async (hook: string, body: unknown): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(`${http.url}/hooks/${hook}?token=${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await res.json() as { queued?: unknown[] };
    const ms = performance.now() - t0;
    if (res.status !== 200 || answer.queued?.length !== 1) throw new Error(`${hook}: ${res.status} ${JSON.stringify(answer)}`);
    return ms;
  };
  const healthz = async (): Promise<number> => {
    const t0 = performance.now();
    await (await fetch(`${http.url}/healthz`)).arrayBuffer();
    return performance.now() - t0;
  };
  try {
    for (let i = 0; i < 50; i++) await healthz(); // warm-up: connections, JIT
    const floor: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) floor.push(await healthz());
    const sonarr: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) sonarr.push(await post('sonarr', sonarrV4Download('/tv/The Show', { relativePath: name(i), path: `/tv/The Show/${name(i)}` })));
    const burst = await Promise.all(Array.from({ length: BURST }, (_, k) => post('path', { path: join(library, name(SEQUENTIAL + k)) })));
    const jellyfin: number[] = [];
    for (const item of items) jellyfin.push(await post('jellyfin', jellyfinItemAdded({ serverId: JF_ID, itemId: item.Id, itemType: 'Episode' })));
    const queued = rt.jobs.counts().jobs.queued;
    if (queued !== total) throw new Error(`expected ${total} queued jobs, found ${queued}`);

    const row = (what: string, xs: number[]) => console.log(`${what.padEnd(44)} p50 ${fmt(pct(xs, 50)).padStart(7)} ms   p99 ${fmt(pct(xs, 99)).padStart(7)} ms   max ${fmt(Math.max(...xs)).padStart(7)} ms`);
    console.log(`webhook -> queued, ${total} jobs queued by the end (127.0.0.1; client-side round trips)`);
    row(`GET /healthz (floor), ${SEQUENTIAL} in turn`, floor);
    row(`Sonarr v4 import, ${SEQUENTIAL} in turn`, sonarr);
    row(`/hooks/path, ${BURST} at once`, burst);
    row(`Jellyfin ItemAdded + lookup, ${JELLYFIN} in turn`, jellyfin);
    const sonarrInServer = inServer.slice(0, SEQUENTIAL);
    row(`  of which in dubarr's handler (Sonarr)`, sonarrInServer);
    const p99 = Math.max(pct(sonarr, 99), pct(jellyfin, 99));
    console.log(`goal: p99 < 50 ms: ${p99 < 50 ? 'met' : 'NOT met'} (worst p99 ${fmt(p99)} ms; Sonarr p99 ${fmt(pct(sonarr, 99) / pct(floor, 99))}x the /healthz p99)`);
    return { sonarrP50: pct(sonarr, 50), sonarrP99: pct(sonarr, 99), burstP99: pct(burst, 99), jellyfinP99: pct(jellyfin, 99), healthzP99: pct(floor, 99), handlerP99: pct(sonarrInServer, 99) };
  } finally {
    await http.close();
    await rt.close();
    await jf.close();
    await rm(dir, { recursive: true, force: true });
  }
}
