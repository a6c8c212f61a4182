import { serve as serveHttp } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../app/runtime.js';
import { createHttpApp } from '../http/app.js';
import { watchFolders } from '../watch/folder-watcher.js';

/** Runs the server until SIGTERM/SIGINT, then stops taking work, re-queues running jobs and exits 0. */
export async function serve(rt: Runtime): Promise<void> {
  const watcher = watchFolders(rt);
  const server = serveHttp({ fetch: createHttpApp(rt).fetch, hostname: rt.config.server.host, port: rt.config.server.port });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const addr = server.address() as AddressInfo;
  rt.log.info({ url: `http://${addr.address}:${addr.port}`, watch: rt.config.watch.enabled ? rt.config.watch.folders.map((f) => f.path) : [] }, 'dubarr is serving');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      rt.log.info({ signal }, 'shutting down: running jobs are stopped and re-queued');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await watcher?.close();
  await new Promise<void>((r) => server.close(() => r()));
  await rt.close();
}
