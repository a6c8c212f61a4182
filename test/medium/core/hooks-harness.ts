/**
 * A real dubarr server for webhook tests: the runtime (SQLite, the worker pool, the real ffmpeg
 * mux delivering a generated dub track), its HTTP app on 127.0.0.1, and a library of generated
 * MP4 files in a folder of its own (server.mediaRoots). Webhook jobs run the 'deliver' preset
 * into Spanish. `config` gets the library's path, for pathMap entries that lead into it.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino, type Logger } from 'pino';
import { bindHttp, type BoundHttp } from '../../../core/cli/serve.js';
import type { Config, DeepPartial } from '../../../core/config/schema.js';
import { createHttpApp } from '../../../core/http/app.js';
import type { RetryPolicy } from '../../../core/integrations/retry.js';
import { h264AacMp4, lateAudioMp4 } from '../../fixtures/media.js';
import { deliverPreset } from './deliver-preset.js';
import { testRuntime, type TestRuntime } from './harness.js';

export const TOKEN = 'hook-token-0123456789abcdef';

export interface HookServer {
  t: TestRuntime;
  http: BoundHttp;
  library: string;
  /** Log lines the server wrote (every level), for checks that no secret is in them. */
  logLines: string[];
  /** POSTs JSON to a hook with the token in the URL (unless `token` says otherwise: null sends none). */
  post(hook: string, body: unknown, o?: { token?: string | null; header?: boolean; contentType?: string; raw?: string | Buffer }): Promise<{ status: number; body: HookAnswer }>;
  /** Copies a generated MP4 to <library>/<rel>; returns its path. `release` 2 is other bytes (a new release of the same film). */
  media(rel: string, release?: 1 | 2): Promise<string>;
  close(): Promise<void>;
}

export interface HookAnswer {
  source?: string; event?: string; ignored?: string;
  queued: Array<{ job: string; path: string }>;
  skipped: Array<{ path: string; reason: string; job?: string }>;
  failed: Array<{ path: string; code: string; message: string }>;
  error?: { code: string; message: string; hint: string };
}

/** Waits that return at once, recorded: retries are checked by what was asked, not by the clock. */
export function recordedWaits(): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { waits, delaysMs: [2_000, 8_000, 30_000], wait: async (ms) => { waits.push(ms); } };
}

export async function hookServer(
  config: (library: string) => DeepPartial<Config> = () => ({}),
  o: { takeQueued?: boolean; retry?: RetryPolicy; log?: Logger } = {},
): Promise<HookServer> {
  const logLines: string[] = [];
  const log = o.log ?? pino({ level: 'trace' }, { write: (l: string) => { logLines.push(l); } });
  // The real path: jobs name their input by it (links resolved).
  const library = realpathSync(await mkdtemp(join(tmpdir(), 'dubarr-library-')));
  const overrides = config(library);
  const t = await testRuntime({ deliver: await deliverPreset() }, {
    ...overrides,
    server: { mediaRoots: [library], ...overrides.server },
    hooks: { token: TOKEN, preset: 'deliver', targetLanguages: ['es'], ...overrides.hooks },
  }, { takeQueued: o.takeQueued, log, mediaServerRetry: o.retry });
  const http = await bindHttp({ ...t.rt.config.server, host: '127.0.0.1', port: 0 });
  http.mount(createHttpApp(t.rt));
  return {
    t, http, library, logLines,
    async post(hook, body, p = {}) {
      const token = p.token === undefined ? TOKEN : p.token;
      const query = token !== null && !p.header ? `?token=${encodeURIComponent(token)}` : '';
      const headers: Record<string, string> = { 'content-type': p.contentType ?? 'application/json' };
      if (token !== null && p.header) headers['x-dubarr-token'] = token;
      const res = await fetch(`${http.url}/hooks/${hook}${query}`, { method: 'POST', headers, body: typeof p.raw === 'string' || p.raw === undefined ? p.raw ?? JSON.stringify(body) : new Uint8Array(p.raw) });
      return { status: res.status, body: await res.json() as HookAnswer };
    },
    async media(rel, release = 1) {
      const path = join(library, rel);
      await mkdir(dirname(path), { recursive: true });
      await copyFile(await (release === 1 ? h264AacMp4() : lateAudioMp4()), path);
      return path;
    },
    async close() {
      await http.close();
      await t.close();
      await rm(library, { recursive: true, force: true });
    },
  };
}
