/**
 * A Replicate prediction as the HTTP API gives it (create, get, cancel and webhook bodies),
 * read with only the fields dubarr relies on; anything else the API adds is ignored.
 */
import { z } from 'zod';
import { DubarrError } from '../sdk/index.js';

export const PREDICTION_STATUSES = ['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted'] as const;
export type PredictionStatus = (typeof PREDICTION_STATUSES)[number];

export const Prediction = z.object({
  id: z.string().min(1),
  status: z.enum(PREDICTION_STATUSES),
  model: z.string().optional(),
  version: z.string().optional(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  logs: z.string().nullish(),
  metrics: z.object({ predict_time: z.number().nonnegative().optional() }).passthrough().nullish(),
  urls: z.object({ get: z.string().optional(), cancel: z.string().optional() }).passthrough().nullish(),
}).passthrough();
export type Prediction = z.infer<typeof Prediction>;

export function isTerminal(status: PredictionStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'canceled' || status === 'aborted';
}

/** The body as a prediction, or a coded error that does not echo it. */
export function readPrediction(json: unknown, where: string): Prediction {
  const r = Prediction.safeParse(json);
  if (!r.success) {
    throw new DubarrError('E_PROVIDER_FAILED', `replicate: ${where} answered with something that is not a prediction (${r.error.issues[0]?.path.join('.') || 'body'}: ${r.error.issues[0]?.message})`);
  }
  return r.data;
}

/** Every URL in a prediction's output: a URL, a list of them, or an object holding them. */
export function outputUrls(output: unknown): string[] {
  if (typeof output === 'string') return /^https?:\/\//i.test(output) ? [output] : [];
  if (Array.isArray(output)) return output.flatMap(outputUrls);
  if (output && typeof output === 'object') return Object.values(output).flatMap(outputUrls);
  return [];
}
