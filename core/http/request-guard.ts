import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import { getCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { isIP } from 'node:net';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Runtime } from '../app/runtime.js';
import { apiKeyRequired, isLoopbackAddress } from '../auth/exposure.js';
import { checkHookToken, isHookPath } from '../auth/hook-token.js';
import type { Config } from '../config/schema.js';
import { isPageAsset } from './web-page.js';

/** Paths whose bodies are not JSON-sized: tus uploads, bounded by server.maxUploadBytes in their own handler. */
const UPLOADS_PREFIX = '/uploads';
/**
 * The multipart posts whose handlers stream the file part to disk (receiveMultipart), bounded by
 * server.maxUploadBytes there: a job with its file, and the transcription endpoints. A multipart
 * body anywhere else is held to server.maxRequestBytes like any other body (a handler there
 * might read it into memory).
 */
const STREAMED_MULTIPART_POSTS = new Set(['/api/jobs', '/asr', '/detect-language', '/v1/audio/transcriptions']);
/**
 * Answers without a key: liveness probes (Docker, Kubernetes) carry none, and the web page's
 * static files hold no data (the page asks for the key, then sends it on every request).
 */
const isOpenPath = (path: string) => path === '/healthz' || isPageAsset(path);
/**
 * The cookie the web page sets with its key for what the browser fetches by itself, without
 * the page's headers: `<video src>` and download links. Accepted for artifact reads only
 * (GET/HEAD), and the page sets it SameSite=Strict, so no other site's page can send it.
 */
export const ARTIFACT_KEY_COOKIE = 'dubarr_key';
const ARTIFACT_PATH = /^\/api\/jobs\/[^/]+\/artifacts\/[^/]+$/;

/**
 * Every request passes here first, in this order: the Host check (DNS rebinding), CORS (a
 * preflight carries no key, so it is answered before auth), the webhook token on /hooks/* (on
 * loopback too), the API key on everything else, and the body size limit.
 */
export function requestGuard(rt: Runtime): MiddlewareHandler {
  const server = rt.config.server;
  const steps: MiddlewareHandler[] = [hostCheck(server)];
  if (server.cors.origins.length > 0) steps.push(corsFor(server.cors.origins));
  steps.push(hookTokenCheck(rt));
  if (apiKeyRequired(server)) steps.push(apiKeyCheck(rt));
  steps.push(requestSizeLimit(server.maxRequestBytes));
  return every(...steps);
}

function refuse(c: Context, err: DubarrError, headers: Record<string, string> = {}): Response {
  return c.json({ error: { code: err.code, message: err.message, hint: err.hint } }, err.status as 400, headers);
}

/**
 * A page on evil.example whose name the attacker re-points at 127.0.0.1 reaches this server
 * same-origin, but its requests say `Host: evil.example`. IP literals and localhost are safe to
 * accept (no page can be served under them by someone else's DNS); other names must be listed.
 */
export function hostCheck(server: Config['server']): MiddlewareHandler {
  const names = [server.host, ...server.allowedHosts].map((h) => h.toLowerCase());
  return async (c, next) => {
    const header = c.req.header('host');
    if (header === undefined || hostAllowed(header, names)) return next();
    return refuse(c, new DubarrError('E_HOST_NOT_ALLOWED', `This server does not answer for the host name ${JSON.stringify(hostname(header))}`));
  };
}

export function hostAllowed(hostHeader: string, names: readonly string[]): boolean {
  const h = hostname(hostHeader).toLowerCase();
  if (isIP(h) !== 0 || isLoopbackAddress(h)) return true;
  return names.some((n) => h === n || (n.startsWith('.') && (h === n.slice(1) || h.endsWith(n))));
}

/** The name in a Host header, without port or IPv6 brackets (a trailing dot is the same name). */
function hostname(header: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(header);
  if (v6) return v6[1]!;
  return header.replace(/:\d+$/, '').replace(/\.$/, '');
}

function corsFor(origins: readonly string[]): MiddlewareHandler {
  return cors({
    origin: [...origins],
    allowHeaders: ['Authorization', 'X-Api-Key', 'Content-Type', 'Tus-Resumable', 'Upload-Length', 'Upload-Offset', 'Upload-Metadata', 'Upload-Defer-Length', 'Upload-Concat'],
    exposeHeaders: ['Location', 'Tus-Resumable', 'Tus-Version', 'Tus-Max-Size', 'Tus-Extension', 'Upload-Offset', 'Upload-Length', 'Upload-Expires', 'Content-Disposition', 'ETag', 'Content-Range'],
    allowMethods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });
}

/**
 * The key sent as `Authorization: Bearer <key>`, `X-Api-Key: <key>`, or as the password of
 * `Authorization: Basic` (any user name): clients that take only a URL, such as Bazarr's Whisper
 * provider, send `http://user:<key>@host/` that way. The page's cookie counts for an artifact read.
 */
export function presentedKey(c: Context): string | undefined {
  return keyInHeaders((name) => c.req.header(name)) || artifactCookieKey(c);
}

function artifactCookieKey(c: Context): string | undefined {
  if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !ARTIFACT_PATH.test(c.req.path)) return undefined;
  return getCookie(c, ARTIFACT_KEY_COOKIE)?.trim() || undefined;
}

/** The same for any request's headers (the WebSocket upgrade, which does not pass through hono). */
export function keyInHeaders(header: (name: 'authorization' | 'x-api-key') => string | undefined): string | undefined {
  const auth = header('authorization');
  const bearer = auth && /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
  const basic = auth && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth)?.[1];
  const password = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
  return bearer || password || header('x-api-key')?.trim() || undefined;
}

/**
 * /hooks/* take hooks.token, not an API key: Sonarr, Jellyfin or Plex cannot send our Bearer
 * header, but each can put a token in the URL (?token=) and some a header (X-Dubarr-Token).
 * A request without the right token goes no further; one with it passes the API key check
 * below. Never logs the token.
 */
function hookTokenCheck(rt: Runtime): MiddlewareHandler {
  return async (c, next) => {
    if (!isHookPath(c.req.path)) return next();
    try {
      checkHookToken(rt.config.hooks.token, c.req.query('token') ?? c.req.header('x-dubarr-token'));
    } catch (e) {
      const err = DubarrError.from(e);
      rt.log.warn({ method: c.req.method, path: c.req.path, code: err.code }, 'webhook refused: token');
      return refuse(c, err);
    }
    return next();
  };
}

/** Logs the key's id, never the key. Webhooks passed their own token check above. */
function apiKeyCheck(rt: Runtime): MiddlewareHandler {
  return async (c, next) => {
    if (isOpenPath(c.req.path) || isHookPath(c.req.path)) return next();
    const key = presentedKey(c);
    const id = key === undefined ? undefined : rt.apiKeys.verify(key);
    if (id === undefined) {
      rt.log.warn({ method: c.req.method, path: c.req.path, reason: key === undefined ? 'no key' : 'unknown key' }, 'request refused: API key');
      const message = key === undefined ? 'This server requires an API key' : 'The API key is not valid (revoked, or mistyped)';
      return refuse(c, new DubarrError('E_API_KEY_REQUIRED', message), { 'www-authenticate': 'Bearer realm="dubarr"' });
    }
    rt.log.debug({ keyId: id, method: c.req.method, path: c.req.path }, 'request authorized');
    return next();
  };
}

function requestSizeLimit(maxSize: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize,
    onError: (c) => refuse(c, new DubarrError('E_REQUEST_TOO_LARGE', `The request body is larger than ${maxSize} bytes (server.maxRequestBytes)`)),
  });
  return async (c, next) => {
    const path = c.req.path;
    const streamedMultipart = c.req.method === 'POST' && STREAMED_MULTIPART_POSTS.has(path) && /^multipart\/form-data/i.test(c.req.header('content-type') ?? '');
    // Media travels as tus uploads or multipart file posts; their handlers bound them by server.maxUploadBytes.
    if (path === UPLOADS_PREFIX || path.startsWith(`${UPLOADS_PREFIX}/`) || streamedMultipart) return next();
    return limit(c, next);
  };
}
