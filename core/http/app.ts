import { Hono } from 'hono';
import type { Runtime } from '../app/runtime.js';
import { packageVersion } from '../app/paths.js';
import { errorResponse } from './error-response.js';
import { opsRoutes } from './ops.js';
import { requestGuard } from './request-guard.js';
import { restRoutes } from './rest-routes.js';
import { transcriptionRoutes } from './transcription-routes.js';

/** The HTTP surface: health and the REST door into the jobs service; GraphQL and webhooks mount here next. */
export function createHttpApp(rt: Runtime): Hono {
  const app = new Hono();
  app.use(requestGuard(rt));
  app.route('/', opsRoutes(rt));
  app.get('/health', (c) => c.json({ ok: true, version: packageVersion, ...rt.jobs.counts() }));
  app.route('/', restRoutes(rt.jobs));
  app.route('/', transcriptionRoutes(rt));
  app.onError(errorResponse);
  return app;
}
