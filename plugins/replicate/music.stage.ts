/**
 * replicate:music: a background bed from a MusicGen-class model, fitted to the plan's length
 * and loudness (music-fit.ts). The piece is bought once per prompt, model and settings: a
 * resumed job, or another preset run with the same plan, takes it from the provider cache.
 */
import { join } from 'node:path';
import { asksForSilence, defineStage, DubarrError, parseOptions, ProviderResultCache, requireDocument, type GeneratedMusic, type MusicPlan } from '../sdk/index.js';
import { fitMusic } from './music-fit.js';
import { ReplicateOptions } from './options.js';
import { predictPaid } from './paid-prediction.js';
import { MusicPlanDocument } from './plan-documents.js';
import { PREDICTION_PROGRESS } from './progress.js';
import { splitModel } from './run-prediction.js';
import { checkModel, connection, modelInput, webhookMode } from './stage-setup.js';

export default defineStage<unknown, GeneratedMusic>(async (input, ctx) => {
  const o = parseOptions(ReplicateOptions, input, 'replicate');
  // No music asked for: a model is not paid to make silence; the next provider (synth-bed) writes it.
  const asked = input.inputs.plan?.data as Partial<MusicPlan> | undefined;
  if (typeof asked?.prompt === 'string' && typeof asked.loudnessLufs === 'number' && asksForSilence({ prompt: asked.prompt, loudnessLufs: asked.loudnessLufs })) {
    throw new DubarrError('E_NOT_APPLICABLE', 'replicate:music: the plan asks for silence, so there is nothing to generate');
  }
  const plan = requireDocument(MusicPlanDocument, input, 'plan', 'a MusicPlan', 'replicate:music');
  const m = o.music;
  const conn = connection(o, ctx);
  ctx.progress(0.01, `checking ${m.model}`);
  const version = await checkModel(conn, o, m.model, m.input, m.extra, 'plugins.options.replicate.music', ctx.signal);
  const webhook = await webhookMode(conn, o, ctx.signal);
  const seconds = Math.min(m.maxSeconds, Math.max(1, Math.ceil(plan.durationMs / 1000)));
  const modelIn = modelInput(m.input, { prompt: plan.prompt, duration: seconds }, m.extra);

  const bought = await predictPaid(ctx, conn, m, new ProviderResultCache('replicate'), {
    name: 'music',
    what: `music bed of ${seconds} s from ${m.model}`,
    key: { kind: 'music', text: plan.prompt, voice: m.model, settings: { input: modelIn } },
    input: async () => modelIn,
    webhook,
    latestVersion: splitModel(m.model).version ? undefined : version,
    onUpdate: (p) => ctx.progress(PREDICTION_PROGRESS[p.status] * 0.8, `prediction ${p.status}`),
  });
  ctx.progress(0.85, bought.cached ? 'fitting the bed (bought before)' : 'fitting the bed');
  const out = join(ctx.workDir, 'music.wav');
  const fit = await fitMusic(bought.files[0]!, out, plan, m.crossfadeMs, ctx.workDir, ctx);
  ctx.log.info({ prediction: bought.prediction, cached: bought.cached, looped: fit.loops }, 'replicate: music bed ready');
  return { files: { music: out }, data: { durationMs: plan.durationMs, made: 'model' } };
});
