import type { Context, Hono } from 'hono';
import { UPLOADS_PATH, type UploadServer } from '../uploads/upload-server.js';

/**
 * The tus endpoint as ordinary hono routes, so the app's middleware (auth, Host check, CORS)
 * runs before it. The library takes the web Request, whose body @hono/node-server streams
 * from the socket, and its Response streams back: no body is read into memory here.
 */
export function mountUploads(app: Hono, uploads: Pick<UploadServer, 'handle'>): void {
  const tus = (c: Context) => uploads.handle(c.req.raw);
  const one = `${UPLOADS_PATH}/:id`;
  app.on(['POST', 'OPTIONS'], UPLOADS_PATH, tus);
  app.on(['PATCH', 'DELETE', 'OPTIONS'], one, tus);
  // hono routes HEAD to the GET handler (dropping the body); GET itself (downloading an upload)
  // is not offered: a finished upload is the input of a job, not a file server.
  app.get(one, (c) => (c.req.method === 'HEAD' ? tus(c) : c.text('Method Not Allowed: an upload is not downloadable; HEAD gives its offset\n', 405, { Allow: 'HEAD, PATCH, DELETE, OPTIONS' })));
}
