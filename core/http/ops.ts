import { Hono } from 'hono';
import type { Runtime } from '../app/runtime.js';
import { packageVersion } from '../app/paths.js';
import { metricsOf } from '../ops/metrics.js';
import { checkReadiness } from '../ops/readiness.js';

/**
 * Operations endpoints: /healthz (the process answers; no key needed, for container health
 * checks), /readyz (it can take work: 503 and the reasons when not), /metrics (Prometheus).
 */
export function opsRoutes(rt: Runtime): Hono {
  // Subscribed now, so stage metrics count from the moment the server serves.
  const metrics = metricsOf(rt);
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true, version: packageVersion }));
  app.get('/readyz', async (c) => {
    const r = await checkReadiness(rt);
    return c.json(r, r.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const { text, contentType } = await metrics.exposition();
    return c.body(text, 200, { 'content-type': contentType });
  });
  return app;
}
