import { Hono } from 'hono';
import type { Runtime } from '../app/runtime.js';
import { packageVersion } from '../app/paths.js';
import { errorResponse } from './error-response.js';
import { graphqlRoutes } from './graphql.js';
import { opsRoutes } from './ops.js';
import { requestGuard } from './request-guard.js';
import { restRoutes } from './rest-routes.js';

/** The HTTP surface: health, and the REST and GraphQL doors into the jobs service; webhooks mount here next. */
export function createHttpApp(rt: Runtime): Hono {
  const app = new Hono();
  app.use(requestGuard(rt));
  app.route('/', opsRoutes(rt));
  app.get('/health', (c) => c.json({ ok: true, version: packageVersion, ...rt.jobs.counts() }));
  app.route('/', restRoutes(rt.jobs));
  app.route('/', graphqlRoutes(rt));
  app.onError(errorResponse);
  return app;
}
