/**
 * A step whose every reader is an optional step that no installed provider can run would do
 * work nobody reads: the dub preset's `dub-audio` (the dub as an analysis WAV) exists only for
 * `back` (back-transcription), and for a target language without a recognizer it cost a full
 * decode of every line while the mix ran beside it. Such a step is skipped as its readers are.
 */
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { StageParams } from '../../plugins/sdk/plugin.js';
import type { PluginHost } from '../plugin-host/plugin-host.js';
import type { Plan, PlanStep } from './plan.js';

/** The optional readers that make `step` unneeded, or undefined when something may read its output. */
export async function unreadBecause(
  plan: Plan, step: PlanStep, plugins: PluginHost, paramsFor: (reader: PlanStep) => StageParams,
): Promise<string[] | undefined> {
  const readers = plan.steps.filter((s) => Object.values(s.inputs).includes(step.id));
  // A final step is the job's result, an uncached one a delivery: both always run.
  if (readers.length === 0 || !step.cache || readers.some((r) => !r.optional)) return undefined;
  for (const r of readers) {
    const params = paramsFor(r);
    try {
      await plugins.select(r.capability, { provider: r.provider, sourceLanguage: params.sourceLanguage ?? params.sourceLanguageHint, targetLanguage: params.targetLanguage });
      return undefined;
    } catch (e) {
      if (DubarrError.from(e).code !== 'E_NO_PROVIDER') throw e;
    }
  }
  return readers.map((r) => r.id);
}
