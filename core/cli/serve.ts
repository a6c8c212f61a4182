import { createAdaptorServer, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Runtime } from '../app/runtime.js';
import type { Config } from '../config/schema.js';
import { createHttpApp } from '../http/app.js';
import { graphqlOverWebSocket } from '../http/graphql-ws.js';
import { watchFolders } from '../watch/folder-watcher.js';

/** The listening HTTP server; it answers 503 until `serve` mounts the app. */
export interface BoundHttp {
  server: ServerType;
  url: string;
  close(): Promise<void>;
  mount(app: Hono): void;
}

/**
 * Binds the port before anything else starts: a second server on a busy port must exit
 * before its runtime claims queued jobs. Throws E_PORT_IN_USE (the port named) when another
 * program holds it.
 */
export async function bindHttp(cfg: Config['server']): Promise<BoundHttp> {
  let app: Hono | undefined;
  const server = createAdaptorServer({
    fetch: (req: Request) => app?.fetch(req)
      ?? Response.json({ starting: true }, { status: 503, headers: { 'retry-after': '1' } }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => { server.off('error', reject); resolve(); });
  }).catch((e: unknown) => { throw listenError(e, cfg); });
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    mount(a) { app = a; },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function listenError(e: unknown, cfg: Config['server']): DubarrError {
  const code = (e as NodeJS.ErrnoException).code;
  const where = `${cfg.host}:${cfg.port}`;
  if (code === 'EADDRINUSE') return new DubarrError('E_PORT_IN_USE', `Port ${cfg.port} is already in use (on ${cfg.host}); nothing was started`, { cause: e });
  if (code === 'EACCES') return new DubarrError('E_CONFIG_INVALID', `Not allowed to listen on ${where}: ports below 1024 need privileges; set server.port (or --port) to 1024 or above`, { cause: e });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new DubarrError('E_CONFIG_INVALID', `Cannot listen on ${where}: server.host is not an address of this machine`, { cause: e });
  return DubarrError.from(e);
}

/** Runs the server until SIGTERM/SIGINT, then stops taking work, re-queues running jobs and exits 0. */
export async function serve(rt: Runtime, http: BoundHttp): Promise<void> {
  http.server.on('error', (e: Error) => rt.log.error({ err: e.message }, 'HTTP server error'));
  http.mount(createHttpApp(rt));
  const graphqlWs = graphqlOverWebSocket(rt, http.server);
  const watcher = watchFolders(rt);
  rt.log.info({ url: http.url, watch: rt.config.watch.enabled ? rt.config.watch.folders.map((f) => f.path) : [] }, 'dubarr is serving');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      rt.log.info({ signal }, 'shutting down: running jobs are stopped and re-queued');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await watcher?.close();
  await graphqlWs.close();
  await http.close();
  await rt.close();
}
