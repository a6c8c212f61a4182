import { Hono } from 'hono';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Runtime } from '../app/runtime.js';
import { packageVersion } from '../app/paths.js';
import type { UploadServer } from '../uploads/upload-server.js';
import { mountUploads } from './uploads-route.js';

/** The HTTP surface. For now: health, read-only job views and tus uploads; GraphQL and webhooks mount here next. */
export function createHttpApp(rt: Runtime, uploads: Pick<UploadServer, 'handle'>): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true, version: packageVersion, jobs: rt.store.countByStatus(), running: rt.scheduler.running }));
  app.get('/api/jobs', (c) => c.json(rt.store.listJobs({ limit: Number(c.req.query('limit') ?? 50) })));
  app.get('/api/jobs/:id', (c) => c.json({ ...rt.store.getJob(c.req.param('id')), stages: rt.store.stageRuns(c.req.param('id')) }));
  // hono runs middleware and routes in the order they are added: app-wide middleware (auth,
  // the Host check) must be added above this line to guard the uploads too.
  mountUploads(app, uploads);
  app.onError((e, c) => {
    const err = DubarrError.from(e);
    return c.json({ error: { code: err.code, message: err.message, hint: err.hint } }, err.status as 400);
  });
  return app;
}
