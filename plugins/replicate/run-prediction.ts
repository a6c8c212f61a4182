/**
 * One prediction from create to a finished output: created with `Prefer: wait` (Replicate holds
 * the answer until the prediction ends or N seconds pass), then polled, or, with a webhook,
 * awaited as a signed delivery while polling slowly anyway, so a lost delivery only delays.
 *
 * A create spends, so it is never sent twice blindly (idempotent: false): a create that times
 * out fails the stage with a retryable error instead of risking a second paid run. A cancel of
 * the stage sends Replicate's cancel (so the model stops billing) before E_CANCELLED.
 */
import { DubarrError, realClock, redactSecrets } from '../sdk/index.js';
import { apiUrl, callApi, isApiUrl, type ReplicateConnection } from './api.js';
import { isTerminal, readPrediction, type Prediction } from './prediction.js';
import { nextWebhookDelivery } from './webhook-registry.js';

export interface PredictionRun {
  /** 'owner/name' (its latest version, through the models endpoint) or 'owner/name:version'. */
  model: string;
  input: Record<string, unknown>;
  signal: AbortSignal;
  /** Each state seen: the created prediction, each poll, the finished one. */
  onUpdate?(p: Prediction): void;
  /**
   * For a model that is not run by name (community models): the version to create with when
   * the models endpoint does not know the model (404, nothing created). From its schema.
   */
  latestVersion?: string;
  /** Webhook mode: Replicate posts the finished prediction here; polled every pollIntervalMs anyway. */
  webhook?: { url: string; pollIntervalMs: number };
}

const ERROR_TEXT_MAX = 300;

export function splitModel(model: string): { owner: string; name: string; version?: string } {
  const [ref, version] = model.split(':');
  const [owner, name] = (ref ?? '').split('/');
  if (!owner || !name) throw new DubarrError('E_CONFIG_INVALID', `replicate: '${model}' is not a model: write it as 'owner/name' or 'owner/name:version'`);
  return { owner, name, version: version || undefined };
}

/** Runs a prediction to success; a failed, canceled or aborted one is a coded error. */
export async function runPrediction(conn: ReplicateConnection, run: PredictionRun): Promise<Prediction> {
  if (run.signal.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled');
  let p = await createPrediction(conn, run);
  run.onUpdate?.(p);
  const clock = conn.clock ?? realClock;
  while (!isTerminal(p.status)) {
    try {
      if (run.signal.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled');
      const delivered = run.webhook
        ? await nextWebhookDelivery(p.id, run.webhook.pollIntervalMs, run.signal)
        : (await clock.sleep(conn.pollIntervalMs, run.signal), undefined);
      p = delivered ?? await getPrediction(conn, p, run.signal);
      run.onUpdate?.(p);
      if (run.signal.aborted && !isTerminal(p.status)) throw new DubarrError('E_CANCELLED', 'Cancelled');
    } catch (e) {
      const err = DubarrError.from(e);
      if (err.code === 'E_CANCELLED') await cancelPrediction(conn, p);
      throw err;
    }
  }
  return finished(conn, run.model, p);
}

async function createPrediction(conn: ReplicateConnection, run: PredictionRun): Promise<Prediction> {
  const { owner, name, version } = splitModel(run.model);
  const hook = run.webhook ? { webhook: run.webhook.url, webhook_events_filter: ['completed'] } : {};
  const create = (path: string, body: object, acceptNotFound: boolean) => callApi(conn, {
    path,
    json: { ...body, input: run.input, ...hook },
    headers: { prefer: `wait=${conn.waitSeconds}` },
    idempotent: false,
    signal: run.signal,
    // The server holds the answer up to waitSeconds; the attempt's own timeout comes on top.
    timeoutMs: (conn.policy?.timeoutMs ?? 60_000) + conn.waitSeconds * 1000,
    acceptStatus: (s) => acceptNotFound && s === 404,
  });
  let res = version
    ? await create('/v1/predictions', { version }, false)
    : await create(`/v1/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/predictions`, {}, run.latestVersion !== undefined);
  // A 404 created nothing, so asking again by version cannot pay twice.
  if (res.status === 404 && run.latestVersion) res = await create('/v1/predictions', { version: run.latestVersion }, false);
  if (res.status === 404) throw new DubarrError('E_CONFIG_INVALID', `replicate: model ${owner}/${name} cannot be run by name; pin a version ('${owner}/${name}:<version id>')`);
  return readPrediction(res.json, 'create');
}

function predictionUrl(conn: ReplicateConnection, p: Prediction, which: 'get' | 'cancel'): string {
  const given = p.urls?.[which];
  // Only the API's own URLs carry the token; anything else is rebuilt from the id.
  if (typeof given === 'string' && isApiUrl(conn, given)) return given;
  return apiUrl(conn, `/v1/predictions/${encodeURIComponent(p.id)}${which === 'cancel' ? '/cancel' : ''}`);
}

async function getPrediction(conn: ReplicateConnection, p: Prediction, signal: AbortSignal): Promise<Prediction> {
  const res = await callApi(conn, { path: predictionUrl(conn, p, 'get'), idempotent: true, signal });
  return readPrediction(res.json, 'get prediction');
}

/** Best effort: the stage is cancelled either way; a cancel that fails is logged. */
async function cancelPrediction(conn: ReplicateConnection, p: Prediction): Promise<void> {
  try {
    await callApi(conn, {
      path: predictionUrl(conn, p, 'cancel'),
      method: 'POST',
      idempotent: true,
      // The stage's signal is aborted already: the cancel gets its own, bounded one.
      signal: AbortSignal.timeout(conn.policy?.timeoutMs ?? 60_000),
    });
    conn.log?.info({ prediction: p.id }, 'replicate: prediction cancelled');
  } catch (e) {
    conn.log?.warn({ prediction: p.id }, `replicate: could not cancel prediction ${p.id}; cancel it at replicate.com so it stops billing (${e instanceof Error ? redactSecrets(e.message, [conn.apiKey]) : 'unknown error'})`);
  }
}

function errorText(conn: ReplicateConnection, error: unknown): string {
  const raw = typeof error === 'string' ? error : error === undefined || error === null ? '' : JSON.stringify(error);
  const one = redactSecrets(raw.replace(/\s+/g, ' ').trim(), [conn.apiKey]);
  return one.length > ERROR_TEXT_MAX ? `${one.slice(0, ERROR_TEXT_MAX - 1)}…` : one;
}

function finished(conn: ReplicateConnection, model: string, p: Prediction): Prediction {
  const details = { provider: 'replicate', prediction: p.id, status: p.status, model };
  switch (p.status) {
    case 'succeeded':
      return p;
    case 'failed':
      throw new DubarrError('E_PROVIDER_FAILED', `replicate: prediction ${p.id} of ${model} failed: ${errorText(conn, p.error) || 'no reason given'}`, { details });
    case 'canceled':
      throw new DubarrError('E_PROVIDER_UNAVAILABLE', `replicate: prediction ${p.id} of ${model} was canceled on Replicate (its dashboard or another client), not by this job; retry the job to run it again`, { details });
    default:
      throw new DubarrError('E_PROVIDER_FAILED', `replicate: prediction ${p.id} of ${model} was aborted by Replicate before it finished (a deadline or lack of capacity)${p.error ? `: ${errorText(conn, p.error)}` : ''}; the job retries`, { details });
  }
}
