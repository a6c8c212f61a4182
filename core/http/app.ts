import { Hono } from 'hono';
import type { Runtime } from '../app/runtime.js';
import { packageVersion } from '../app/paths.js';
import type { UploadServer } from '../uploads/upload-server.js';
import { errorResponse } from './error-response.js';
import { graphqlRoutes } from './graphql.js';
import { hookRoutes } from './hook-routes.js';
import { opsRoutes } from './ops.js';
import { requestGuard } from './request-guard.js';
import { restRoutes } from './rest-routes.js';
import { transcriptionRoutes } from './transcription-routes.js';
import { webPageRoutes } from './web-page.js';
import { catalogRoutes } from './catalog-routes.js';
import { mountUploads } from './uploads-route.js';
import { countUploadBytes } from '../ops/metrics.js';

/**
 * The HTTP surface: the guard (Host, CORS, API key, body size), operations, health, the REST
 * door into the jobs service, the catalog (presets, providers, languages), the web page, tus
 * uploads, the transcription endpoints, GraphQL and the webhooks (/hooks/*).
 * `uploads`: the runtime's, unless a test brings its own.
 */
export function createHttpApp(rt: Runtime, uploads: Pick<UploadServer, 'handle' | 'storeWhole' | 'remove'> = rt.uploads): Hono {
  const app = new Hono();
  // hono runs middleware and routes in the order they are added: the guard comes first, so it
  // covers every route below it, the uploads too.
  app.use(requestGuard(rt));
  app.route('/', opsRoutes(rt));
  app.get('/health', (c) => c.json({ ok: true, version: packageVersion, ...rt.jobs.counts() }));
  app.route('/', restRoutes(rt.jobs, { uploads, maxBytes: rt.config.server.maxUploadBytes, countBytes: (n) => countUploadBytes(rt, n) }));
  app.route('/', catalogRoutes(rt.catalog));
  app.route('/', webPageRoutes());
  mountUploads(app, uploads);
  app.route('/', transcriptionRoutes(rt));
  app.route('/', graphqlRoutes(rt));
  app.route('/', hookRoutes(rt.hooks, rt.config.server.maxRequestBytes));
  app.onError(errorResponse);
  return app;
}
