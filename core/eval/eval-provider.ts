/**
 * Which plugin, stage and options an eval scores: `--model <id>` names the plugin through the
 * model's catalogue entry (its `provider`) and becomes the plugin's `model` option;
 * `--provider <plugin>` names it directly (the Debian engines have no model); neither picks
 * the provider a job would (providers.preference, availability, languages).
 */
import { DubarrError } from '../../plugins/sdk/errors.js';
import { catalogueEntry, modelInstalled, openModel, type ModelTask } from '../../plugins/sdk/models.js';
import type { StageDefinition } from '../../plugins/sdk/plugin.js';
import { languageMismatch, type PluginHost } from '../plugin-host/plugin-host.js';

export interface EvalProvider {
  plugin: string;
  stage: StageDefinition;
  options: object;
  model?: string;
}

export async function chooseProvider(host: PluginHost, want: {
  capability: string; task: ModelTask; model?: string; provider?: string; sourceLanguage?: string; targetLanguage?: string;
}): Promise<EvalProvider> {
  const langs = { sourceLanguage: want.sourceLanguage, targetLanguage: want.targetLanguage };
  if (!want.model) {
    const [first] = await host.select(want.capability, { ...langs, provider: want.provider });
    return { plugin: first!.plugin.def.name, stage: first!.stage, options: first!.plugin.options };
  }
  // An installed model says which plugin runs it; one not installed is named by the catalogue
  // (openModel then says how to pull it).
  const entry = (await modelInstalled(want.model)) ? (await openModel(want.model)).entry : catalogueEntry(want.model) ?? (await openModel(want.model)).entry;
  if (entry.task !== want.task) {
    throw new DubarrError('E_INVALID_ARGUMENT', `the model ${want.model} is a ${entry.task} model; \`eval ${want.task}\` needs a ${want.task} model`);
  }
  if (want.provider && want.provider !== entry.provider) {
    throw new DubarrError('E_INVALID_ARGUMENT', `the model ${want.model} is run by the ${entry.provider} provider, not ${want.provider}`);
  }
  const plugin = host.plugin(entry.provider);
  if (!plugin) throw new DubarrError('E_NO_PROVIDER', `the model ${want.model} is run by the ${entry.provider} plugin, which is not installed`);
  const stage = plugin.def.stages.find((s) => s.capability === want.capability);
  if (!stage) throw new DubarrError('E_NO_PROVIDER', `the ${entry.provider} plugin has no ${want.capability} stage`);
  const options = host.optionsFor(entry.provider, { model: want.model });
  await openModel(want.model, { task: want.task, provider: entry.provider });
  const a = await plugin.def.available?.(options as never);
  if (a && !a.ok) throw new DubarrError('E_PROVIDER_UNAVAILABLE', `${entry.provider} with the model ${want.model} is unavailable: ${a.reason ?? 'no reason given'}`);
  const mismatch = languageMismatch(a?.languages ?? stage.languages, langs);
  if (mismatch) throw new DubarrError('E_LANGUAGE_UNSUPPORTED', `${entry.provider} with the model ${want.model}: ${mismatch}`);
  return { plugin: entry.provider, stage, options, model: want.model };
}
