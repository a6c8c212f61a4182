/**
 * Test support: a local stand-in for Replicate's HTTP API on 127.0.0.1, following its documented
 * shapes: POST /v1/models/{owner}/{name}/predictions (official models, by name) and
 * POST /v1/predictions (by `version`), `Prefer: wait[=N]` (the answer is the finished prediction,
 * or one still starting when the model takes longer), GET /v1/predictions/{id} (starting ->
 * processing -> a terminal status over polls), POST /v1/predictions/{id}/cancel, POST /v1/files
 * (multipart `content`) with `urls.get`, GET /v1/models/{owner}/{name}[/versions/{id}] with the
 * version's OpenAPI schema, GET /v1/webhooks/default/secret, output files served from
 * /delivery/ (no token; they expire), and webhook deliveries signed like Replicate's
 * (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256>).
 *
 * Every /v1 call must carry `Authorization: Bearer <token>`, else 401 as problem JSON. Faults
 * are injected per route: any answer (402 quota, 429 with or without Retry-After, 5xx), a held
 * answer (never sent until release: slower than any timeout, no timer race), malformed JSON,
 * or a create that makes the prediction and then never answers (the dangerous timeout).
 * `created` counts predictions made: what Replicate would bill.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhook } from './webhook-signature.js';

export type Terminal = 'succeeded' | 'failed' | 'canceled' | 'aborted';

export interface OutputFile { name: string; type: string; bytes: Buffer }

export interface ModelBehaviour {
  /** 'owner/name'. */
  model: string;
  version: string;
  /** Runnable by name through the models endpoint (official models); default true. */
  official?: boolean;
  /** The Input properties its schema publishes. */
  inputs: string[];
  /** The files a successful prediction makes from its input (and the uploads it refers to). */
  output(input: Record<string, unknown>, uploads: OutputFile[]): OutputFile[] | Promise<OutputFile[]>;
  /** Polls before it ends; 0 ends it within the create's Prefer: wait (default 2). */
  polls?: number;
  /** Default 'succeeded'. */
  outcome?: Terminal;
  /** The prediction's `error` when it fails. */
  error?: string;
  /** metrics.predict_time, seconds (default 3.5). */
  predictTime?: number;
  /** Ends only through finish(id) (webhook tests): polls keep it processing. */
  manual?: boolean;
}

export interface ServerPrediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  status: 'starting' | 'processing' | Terminal;
  polls: number;
  output?: string | string[];
  error?: string;
  webhook?: string;
  webhookEventsFilter?: string[];
  uploads: OutputFile[];
  createdWithPrefer?: string;
  behaviour: ModelBehaviour;
}

export type Act =
  | { status: number; headers?: Record<string, string>; body?: string | object }
  | { hold: true }
  | { malformed: true }
  /** For a create: make the prediction (billable), then never answer. */
  | { createThenHold: true };

export interface ReceivedRequest { method: string; path: string; headers: IncomingMessage['headers']; body: Buffer }

export interface ReplicateContractServer {
  url: string;
  token: string;
  /** The account's signing secret, 'whsec_<base64>'. */
  webhookSecret: string;
  /** Predictions created: what Replicate bills. */
  readonly created: number;
  readonly predictions: Map<string, ServerPrediction>;
  readonly requests: ReceivedRequest[];
  /** Output downloads, with whether they carried an Authorization header. */
  readonly downloads: Array<{ path: string; authorized: boolean }>;
  /** The next requests matching `method` and `path` get these answers, in order, before the normal handling. */
  inject(method: string, path: RegExp, acts: Act[]): void;
  /** Ends a prediction (a manual one) with its behaviour's outcome and sends its webhook when it has one. */
  finish(id: string): Promise<void>;
  /** Sends the prediction's webhook as it stands: again with the same id (a redelivery), signed wrongly, or dated. */
  sendWebhook(id: string, opts?: { webhookId?: string; badSignature?: boolean; timestampOffsetSec?: number }): Promise<{ status: number; webhookId: string }>;
  /** Deliveries sent, in order. */
  readonly webhooks: Array<{ webhookId: string; prediction: string; status: number }>;
  /** Deletes every output file, as Replicate does an hour after a prediction. */
  expireOutputs(): void;
  /** Resolves once `n` requests matching have arrived. */
  seen(method: string, path: RegExp, n: number): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

const problem = (status: number, title: string, detail: string) => ({ status, body: { title, detail, status }, headers: { 'content-type': 'application/problem+json' } });

export async function startReplicateServer(opts: { models: ModelBehaviour[]; token?: string; now?: () => number }): Promise<ReplicateContractServer> {
  const token = opts.token ?? `r8_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const now = opts.now ?? Date.now;
  const predictions = new Map<string, ServerPrediction>();
  const files = new Map<string, OutputFile & { id: string }>();
  const outputs = new Map<string, OutputFile>();
  const requests: ReceivedRequest[] = [];
  const downloads: Array<{ path: string; authorized: boolean }> = [];
  const webhooks: Array<{ webhookId: string; prediction: string; status: number }> = [];
  const injected: Array<{ method: string; path: RegExp; acts: Act[] }> = [];
  const held: ServerResponse[] = [];
  const waiters: Array<{ method: string; path: RegExp; n: number; resolve: () => void }> = [];
  let created = 0;
  let url = '';

  const view = (p: ServerPrediction) => ({
    id: p.id,
    model: p.model,
    version: p.version,
    input: p.input,
    logs: '',
    output: p.status === 'succeeded' ? p.output ?? null : null,
    data_removed: false,
    error: p.status === 'failed' ? p.error ?? null : null,
    status: p.status,
    source: 'api',
    created_at: new Date(now()).toISOString(),
    urls: { get: `${url}/v1/predictions/${p.id}`, cancel: `${url}/v1/predictions/${p.id}/cancel`, web: `https://replicate.com/p/${p.id}` },
    ...(p.status === 'succeeded' ? { metrics: { predict_time: p.behaviour.predictTime ?? 3.5, total_time: (p.behaviour.predictTime ?? 3.5) + 1 } } : {}),
    ...(p.webhook ? { webhook: p.webhook, webhook_events_filter: p.webhookEventsFilter } : {}),
  });

  const end = async (p: ServerPrediction) => {
    const outcome = p.behaviour.outcome ?? 'succeeded';
    if (outcome === 'succeeded') {
      const made = await p.behaviour.output(p.input, p.uploads);
      const urls = made.map((f) => {
        const path = `/delivery/${p.id}/${f.name}`;
        outputs.set(path, f);
        return `${url}${path}`;
      });
      p.output = urls.length === 1 ? urls[0] : urls;
    }
    p.error = outcome === 'failed' ? p.behaviour.error ?? 'the model failed' : undefined;
    p.status = outcome;
  };

  const sendWebhook: ReplicateContractServer['sendWebhook'] = async (id, o = {}) => {
    const p = predictions.get(id);
    if (!p?.webhook) throw new Error(`prediction ${id} has no webhook`);
    const webhookId = o.webhookId ?? `msg_${randomBytes(12).toString('hex')}`;
    const ts = Math.floor(now() / 1000) + (o.timestampOffsetSec ?? 0);
    const body = JSON.stringify(view(p));
    const signature = o.badSignature ? signWebhook(`whsec_${randomBytes(24).toString('base64')}`, webhookId, ts, body) : signWebhook(webhookSecret, webhookId, ts, body);
    const res = await fetch(p.webhook, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': webhookId, 'webhook-timestamp': String(ts), 'webhook-signature': signature }, body });
    await res.arrayBuffer();
    webhooks.push({ webhookId, prediction: id, status: res.status });
    return { status: res.status, webhookId };
  };

  const createPrediction = async (behaviour: ModelBehaviour, body: Record<string, unknown>, prefer: string | undefined): Promise<ServerPrediction> => {
    const input = (body.input ?? {}) as Record<string, unknown>;
    const uploads: OutputFile[] = [];
    for (const v of Object.values(input)) {
      if (typeof v === 'string' && v.startsWith(`${url}/v1/files/`)) {
        const f = files.get(v.slice(`${url}/v1/files/`.length));
        if (f) uploads.push(f);
      }
    }
    const p: ServerPrediction = {
      id: randomBytes(10).toString('hex'),
      model: behaviour.model,
      version: behaviour.version,
      input,
      status: 'starting',
      polls: 0,
      uploads,
      behaviour,
      createdWithPrefer: prefer,
      webhook: typeof body.webhook === 'string' ? body.webhook : undefined,
      webhookEventsFilter: Array.isArray(body.webhook_events_filter) ? body.webhook_events_filter as string[] : undefined,
    };
    predictions.set(p.id, p);
    created++;
    // Prefer: wait holds the answer until the prediction ends: one that ends quickly is answered finished.
    if (prefer?.startsWith('wait') && (behaviour.polls ?? 2) === 0 && !behaviour.manual) await end(p);
    return p;
  };

  const route = async (req: IncomingMessage, body: Buffer, path: string): Promise<Act | { ok: object | Buffer; status?: number; type?: string } > => {
    const m = req.method ?? 'GET';
    if (path.startsWith('/delivery/')) {
      downloads.push({ path, authorized: req.headers.authorization !== undefined });
      const f = outputs.get(path);
      if (!f) return problem(404, 'Not found', 'The output has expired.');
      return { ok: f.bytes, type: f.type };
    }
    if (req.headers.authorization !== `Bearer ${token}`) return problem(401, 'Unauthenticated', 'You did not pass a valid authentication token');

    let match: RegExpMatchArray | null;
    const json = () => JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    if (m === 'POST' && (match = path.match(/^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/))) {
      const b = opts.models.find((x) => x.model === `${match![1]}/${match![2]}`);
      if (!b || b.official === false) return problem(404, 'Not found', 'The requested resource could not be found.');
      return { ok: view(await createPrediction(b, json(), req.headers.prefer as string | undefined)), status: 201 };
    }
    if (m === 'POST' && path === '/v1/predictions') {
      const b0 = json();
      const b = opts.models.find((x) => x.version === b0.version);
      if (!b) return problem(422, 'Invalid version or not permitted', 'The specified version does not exist (or perhaps you don\'t have permission to use it?)');
      return { ok: view(await createPrediction(b, b0, req.headers.prefer as string | undefined)), status: 201 };
    }
    if (m === 'GET' && (match = path.match(/^\/v1\/predictions\/([^/]+)$/))) {
      const p = predictions.get(match[1]!);
      if (!p) return problem(404, 'Not found', 'The requested resource could not be found.');
      if (p.status === 'starting' || p.status === 'processing') {
        p.polls++;
        if (!p.behaviour.manual && p.polls >= (p.behaviour.polls ?? 2)) await end(p);
        else p.status = 'processing';
      }
      return { ok: view(p) };
    }
    if (m === 'POST' && (match = path.match(/^\/v1\/predictions\/([^/]+)\/cancel$/))) {
      const p = predictions.get(match[1]!);
      if (!p) return problem(404, 'Not found', 'The requested resource could not be found.');
      if (p.status === 'starting' || p.status === 'processing') p.status = 'canceled';
      return { ok: view(p) };
    }
    if (m === 'POST' && path === '/v1/files') {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
      const content = form.get('content');
      if (!(content instanceof Blob)) return problem(400, 'Bad request', 'content is required');
      const id = randomBytes(8).toString('hex');
      const bytes = Buffer.from(await content.arrayBuffer());
      const name = (content as File).name ?? 'file';
      files.set(id, { id, name, type: content.type, bytes });
      return {
        status: 201,
        ok: {
          id, name, content_type: content.type, size: bytes.length, etag: id, checksums: {}, metadata: {},
          created_at: new Date(now()).toISOString(), expires_at: new Date(now() + 86_400_000).toISOString(),
          urls: { get: `${url}/v1/files/${id}` },
        },
      };
    }
    if (m === 'GET' && (match = path.match(/^\/v1\/models\/([^/]+)\/([^/]+)(?:\/versions\/([^/]+))?$/))) {
      const b = opts.models.find((x) => x.model === `${match![1]}/${match![2]}`);
      if (!b || (match[3] && match[3] !== b.version)) return problem(404, 'Not found', 'The requested resource could not be found.');
      const version = {
        id: b.version, created_at: new Date(now()).toISOString(), cog_version: '0.9.0',
        openapi_schema: { openapi: '3.0.2', components: { schemas: {
          Input: { type: 'object', title: 'Input', properties: Object.fromEntries(b.inputs.map((n, i) => [n, { type: 'string', title: n, 'x-order': i }])) },
          Output: { type: 'string', format: 'uri', title: 'Output' },
        } } },
      };
      if (match[3]) return { ok: version };
      const [owner, name] = b.model.split('/');
      return { ok: { url: `https://replicate.com/${b.model}`, owner, name, description: '', visibility: 'public', run_count: 1, latest_version: version } };
    }
    if (m === 'GET' && path === '/v1/webhooks/default/secret') return { ok: { key: webhookSecret } };
    return problem(404, 'Not found', 'The requested resource could not be found.');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const m = req.method ?? 'GET';
        requests.push({ method: m, path, headers: req.headers, body });
        for (const w of [...waiters]) {
          if (requests.filter((r) => r.method === w.method && w.path.test(r.path)).length >= w.n) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
        }
        const inj = injected.find((x) => x.method === m && x.path.test(path) && x.acts.length > 0);
        let act: Act | { ok: object | Buffer; status?: number; type?: string } = inj ? inj.acts.shift()! : await route(req, body, path);
        if ('createThenHold' in act) {
          await route(req, body, path);
          act = { hold: true };
        }
        if ('hold' in act) { held.push(res); return; }
        if ('malformed' in act) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id": "x", "status": "proc');
          return;
        }
        if ('ok' in act) {
          const isBytes = Buffer.isBuffer(act.ok);
          res.writeHead(act.status ?? 200, { 'content-type': act.type ?? 'application/json' });
          res.end(isBytes ? act.ok : JSON.stringify(act.ok));
          return;
        }
        const text = act.body === undefined ? '' : typeof act.body === 'string' ? act.body : JSON.stringify(act.body);
        res.writeHead(act.status, { 'content-type': typeof act.body === 'object' ? 'application/json' : 'text/plain', ...act.headers });
        res.end(text);
      })().catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`contract server error: ${e instanceof Error ? e.message : String(e)}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    webhookSecret,
    get created() { return created; },
    predictions,
    requests,
    downloads,
    webhooks,
    inject: (method, path, acts) => { injected.push({ method, path, acts: [...acts] }); },
    finish: async (id) => {
      const p = predictions.get(id);
      if (!p) throw new Error(`no prediction ${id}`);
      await end(p);
      if (p.webhook && (p.webhookEventsFilter ?? ['completed']).includes('completed')) await sendWebhook(id);
    },
    sendWebhook,
    expireOutputs: () => outputs.clear(),
    seen: (method, path, n) => new Promise<void>((resolve) => {
      if (requests.filter((r) => r.method === method && path.test(r.path)).length >= n) resolve();
      else waiters.push({ method, path, n, resolve });
    }),
    release: () => { for (const r of held.splice(0)) r.socket?.destroy(); },
    close: () => new Promise<void>((resolve) => {
      for (const r of held.splice(0)) r.socket?.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
