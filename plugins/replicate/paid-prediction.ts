/**
 * A prediction as a stage buys it: found in the per-unit cache (a resumed or retried job, or a
 * second language, pays nothing: reported as reused), else reserved against the job's budget,
 * run, settled with what Replicate billed, its outputs downloaded at once and kept in the cache.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { paidCall, ProviderResultCache, type StageContext, type UnitKey } from '../sdk/index.js';
import type { ReplicateConnection } from './api.js';
import { downloadOutputs } from './files.js';
import { packOutputs, unpackOutputs } from './output-record.js';
import type { Prediction } from './prediction.js';
import { runPrediction, splitModel, type PredictionRun } from './run-prediction.js';

export interface PaidModel {
  model: string;
  billedBy: 'predictSeconds' | 'predictions';
  estimateSeconds: number;
}

export interface PaidPrediction {
  /** Names the output files in the work dir ('music', 'clip-scene-1'). */
  name: string;
  what: string;
  key: UnitKey;
  /** The model's input; built only when the prediction is bought (it may upload files). */
  input: () => Promise<Record<string, unknown>>;
  webhook?: PredictionRun['webhook'];
  latestVersion?: string;
  onUpdate?: PredictionRun['onUpdate'];
}

export interface PaidOutputs {
  files: string[];
  cached: boolean;
  prediction: string;
}

export async function predictPaid(ctx: StageContext, conn: ReplicateConnection, m: PaidModel, cache: ProviderResultCache, req: PaidPrediction): Promise<PaidOutputs> {
  const product = splitModel(m.model);
  const spend = {
    provider: 'replicate',
    unit: m.billedBy,
    product: `${product.owner}/${product.name}`,
    quantity: m.billedBy === 'predictions' ? 1 : m.estimateSeconds,
    what: req.what,
  } as const;
  const dir = join(ctx.workDir, 'outputs');
  await mkdir(dir, { recursive: true });

  const hit = await cache.get(req.key);
  const unpacked = hit && (await unpackOutputs(hit, dir, req.name));
  if (unpacked) {
    ctx.cost.reused({ ...spend, quantity: unpacked.billed });
    return { files: unpacked.files, cached: true, prediction: unpacked.prediction };
  }

  const billedOf = (p: Prediction) => (m.billedBy === 'predictions' ? 1 : p.metrics?.predict_time ?? m.estimateSeconds);
  const prediction = await paidCall(ctx.cost, spend,
    async () => runPrediction(conn, { model: m.model, input: await req.input(), signal: ctx.signal, webhook: req.webhook, latestVersion: req.latestVersion, onUpdate: req.onUpdate }),
    billedOf);
  // Billed now: fetch the outputs before Replicate's retention ends, and keep them.
  const files = await downloadOutputs(conn, prediction, dir, ctx.signal);
  await cache.put(req.key, await packOutputs({ billed: billedOf(prediction), prediction: prediction.id, files }));
  return { files, cached: false, prediction: prediction.id };
}
