/**
 * The webhook door: POST /hooks/sonarr, /hooks/radarr, /hooks/jellyfin, /hooks/plex,
 * /hooks/emby and /hooks/path, and Replicate's prediction webhooks at /hooks/replicate. The request guard has checked hooks.token before a request gets
 * here (see request-guard.ts). A handler reads the body the way its sender sends it, parses
 * the vendor's payload (a malformed one is 400 with the reason, and queues nothing) and hands
 * the request to the hook intake, which queues through the jobs service.
 */
import { Hono, type Context } from 'hono';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { radarrRequest, sonarrRequest } from '../integrations/arr-webhooks.js';
import type { HookIntake, HookOutcome, HookSource } from '../integrations/hook-intake.js';
import { malformed, parseJsonText, type HookRequest } from '../integrations/hook-request.js';
import { embyRequest, jellyfinRequest, pathRequest, plexRequest } from '../integrations/media-server-webhooks.js';
import { deliverReplicateWebhook } from '../../plugins/replicate/webhook-registry.js';
import { errorBody, errorResponse } from './error-response.js';
import { readFormFields } from './form-fields.js';

const FORM = /^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i;

/** The JSON a sender posts: the body itself, or a form field holding it (Plex: payload; Emby: data). */
async function payload(req: Request, sender: string, field: string | undefined, maxBytes: number): Promise<unknown> {
  if (field !== undefined && FORM.test(req.headers.get('content-type') ?? '')) {
    const value = (await readFormFields(req, maxBytes)).get(field);
    if (value === undefined) throw malformed(sender, `the form has no '${field}' field`);
    return parseJsonText(sender, value);
  }
  return parseJsonText(sender, await req.text());
}

/** 200 with what was queued and skipped; when a file was refused, that error's status, with the same lists. */
function answer(c: Context, out: HookOutcome): Response {
  const body = {
    source: out.source, event: out.event, queued: out.queued, skipped: out.skipped, ignored: out.ignored,
    failed: out.failed.map((f) => ({ path: f.path, ...errorBody(f.error).error })),
  };
  const first = out.failed[0]?.error;
  return first ? c.json({ ...errorBody(first), ...body }, first.status as 400) : c.json(body, 200);
}

export function hookRoutes(intake: HookIntake, maxRequestBytes: number): Hono {
  const hooks = new Hono();
  hooks.onError(errorResponse);
  const route = (source: HookSource, sender: string, parse: (body: unknown) => HookRequest, formField?: string) => {
    hooks.post(`/hooks/${source}`, async (c) => {
      const req = parse(await payload(c.req.raw, sender, formField, maxRequestBytes));
      return answer(c, await intake.handle(source, req, c.req.raw.signal));
    });
  };
  route('sonarr', 'Sonarr', sonarrRequest);
  route('radarr', 'Radarr', radarrRequest);
  route('jellyfin', 'Jellyfin', jellyfinRequest);
  route('plex', 'Plex', plexRequest, 'payload');
  route('emby', 'Emby', embyRequest, 'data');
  route('path', '/hooks/path', pathRequest);
  // Replicate's signed prediction webhooks (the replicate plugin's webhookUrl): the signature is
  // over the exact bytes sent, so the raw body goes to the plugin, which answers with the status.
  hooks.post('/hooks/replicate', async (c) => {
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > maxRequestBytes) throw new DubarrError('E_INVALID_ARGUMENT', `A Replicate webhook of ${body.length} bytes is over server.maxRequestBytes`);
    return c.body(null, deliverReplicateWebhook(c.req.raw.headers, body) as 200);
  });
  hooks.all('/hooks/*', (c) => errorResponse(new DubarrError('E_INVALID_ARGUMENT',
    `${c.req.method} ${c.req.path} is not a webhook: POST to /hooks/sonarr, /hooks/radarr, /hooks/jellyfin, /hooks/plex, /hooks/emby, /hooks/path or /hooks/replicate`), c));
  return hooks;
}
