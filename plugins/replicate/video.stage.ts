/**
 * replicate:video: one clip per entry of the plan from a text/image-to-video model, each made
 * into the plan's size, rate and length (clip-fit.ts). Clips are bought one at a time and each
 * is kept in the provider cache as soon as it is paid for, so a job that dies at clip 3 of 5
 * pays for clips 3 to 5 only when resumed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineStage, DubarrError, parseOptions, ProviderResultCache, requireDocument, throwIfCancelled, type GeneratedClips } from '../sdk/index.js';
import { fitClip } from './clip-fit.js';
import { uploadFile } from './files.js';
import { ReplicateOptions } from './options.js';
import { predictPaid } from './paid-prediction.js';
import { ClipPlanDocument } from './plan-documents.js';
import { PREDICTION_PROGRESS } from './progress.js';
import { splitModel } from './run-prediction.js';
import { checkModel, connection, modelInput, webhookMode } from './stage-setup.js';

async function fileDigest(path: string): Promise<string> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    throw new DubarrError('E_INPUT_NOT_FOUND', `replicate:video: the clip's image ${path} cannot be read`);
  }
}

export default defineStage<unknown, GeneratedClips>(async (input, ctx) => {
  const o = parseOptions(ReplicateOptions, input, 'replicate');
  const plan = requireDocument(ClipPlanDocument, input, 'plan', 'a ClipPlan', 'replicate:video');
  const v = o.video;
  const conn = connection(o, ctx);
  ctx.progress(0.01, `checking ${v.model}`);
  const version = await checkModel(conn, o, v.model, v.input, v.extra, 'plugins.options.replicate.video', ctx.signal);
  const webhook = await webhookMode(conn, o, ctx.signal);
  const cache = new ProviderResultCache('replicate');
  const files: Record<string, string> = {};
  const clips: GeneratedClips['clips'] = [];

  for (const [i, clip] of plan.clips.entries()) {
    throwIfCancelled(ctx);
    const share = (f: number) => (i + f) / plan.clips.length;
    const seconds = Math.min(v.maxSeconds, Math.max(v.minSeconds, Math.ceil(clip.durationMs / 1000)));
    const image = clip.image && v.input.image ? clip.image : undefined;
    const values = { prompt: clip.prompt, duration: seconds, seed: clip.seed };
    const settings = { input: modelInput(v.input, values, v.extra), image: image ? await fileDigest(image) : undefined };
    const bought = await predictPaid(ctx, conn, v, cache, {
      name: `clip-${clip.id}`,
      what: `clip ${clip.id} (${seconds} s) from ${v.model}`,
      key: { kind: 'video-clip', text: clip.prompt, voice: v.model, settings },
      input: async () => modelInput(v.input, { ...values, image: image ? await uploadFile(conn, image, ctx.signal) : undefined }, v.extra),
      webhook,
      latestVersion: splitModel(v.model).version ? undefined : version,
      onUpdate: (p) => ctx.progress(share(PREDICTION_PROGRESS[p.status] * 0.8), `clip ${clip.id}: prediction ${p.status}`),
    });
    const out = join(ctx.workDir, `${clip.id}.mp4`);
    const fit = await fitClip(bought.files[0]!, out, { width: plan.width, height: plan.height, fps: plan.fps, durationMs: clip.durationMs, crf: v.crf }, ctx.signal);
    files[clip.id] = out;
    clips.push({ id: clip.id, durationMs: fit.durationMs, made: 'model' });
    ctx.progress(share(1), `clip ${clip.id} ready${bought.cached ? ' (bought before)' : ''}`);
  }
  return { files, data: { clips } };
});
