/**
 * A step nobody will read would do work for nothing. Its readers each decide:
 *  - an optional reader that no installed provider can run does not read it: the dub preset's
 *    `dub-audio` (the dub as an analysis WAV) exists only for `back` (back-transcription), and for
 *    a target language without a recognizer it cost a full decode of every line;
 *  - a reader whose providers say, with the job's options, that they do not read that input
 *    (StageDefinition.readsInput): the `separate` step feeds the mix, which reads it only with
 *    mix.background: separate.
 * Such a step is skipped as its readers are.
 */
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { StageParams } from '../../plugins/sdk/plugin.js';
import type { PluginHost, StageChoice } from '../plugin-host/plugin-host.js';
import type { Plan, PlanStep } from './plan.js';

export interface ReaderContext {
  paramsFor(reader: PlanStep): StageParams;
  /** A plugin's options for this job (its config with the job's overrides). */
  optionsFor(plugin: string): object;
}

/** Why nothing will read `step` (one reason per reader), or undefined when something may. */
export async function unreadBecause(plan: Plan, step: PlanStep, plugins: PluginHost, ctx: ReaderContext): Promise<string[] | undefined> {
  const readers = plan.steps.filter((s) => Object.values(s.inputs).includes(step.id));
  // A final step is the job's result, an uncached one a delivery: both always run.
  if (readers.length === 0 || !step.cache) return undefined;
  const reasons: string[] = [];
  for (const r of readers) {
    const why = await notReadBy(r, step, plugins, ctx);
    if (!why) return undefined;
    reasons.push(why);
  }
  return reasons;
}

async function notReadBy(reader: PlanStep, step: PlanStep, plugins: PluginHost, ctx: ReaderContext): Promise<string | undefined> {
  const params = ctx.paramsFor(reader);
  let choices: StageChoice[];
  try {
    choices = await plugins.select(reader.capability, { provider: reader.provider, sourceLanguage: params.sourceLanguage ?? params.sourceLanguageHint, targetLanguage: params.targetLanguage });
  } catch (e) {
    if (DubarrError.from(e).code !== 'E_NO_PROVIDER') throw e;
    // A required reader without a provider fails the job where it stands; an optional one is skipped.
    return reader.optional ? `${reader.id} would read it, and no installed provider can run it` : undefined;
  }
  const names = Object.entries(reader.inputs).filter(([, ref]) => ref === step.id).map(([name]) => name);
  const readsIt = (c: StageChoice) => names.some((n) => c.stage.readsInput?.(n, ctx.optionsFor(c.plugin.def.name)) ?? true);
  if (choices.some(readsIt)) return undefined;
  return `${reader.id} does not read it with its options (${choices.map((c) => c.plugin.def.name).join(', ')})`;
}
