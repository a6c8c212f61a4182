import type { Availability, LanguageSupport, StageDefinition } from '../../plugins/sdk/plugin.js';
import type { PresetRegistry } from '../pipeline/presets.js';
import { languageMismatch, type LoadedPlugin, type PluginHost } from '../plugin-host/plugin-host.js';

/** A pipeline a job can run, and the capabilities its steps need, in order (a dub needs 'synthesize'). */
export interface PresetView { name: string; description: string; capabilities: string[] }

/**
 * A provider's languages as clients see them. Null stands for "any language": a list declared
 * as '*' and one not declared are the same to the provider selector, so they read the same here.
 */
export interface ProviderLanguagesView {
  input: string[] | null;
  output: string[] | null;
  pairs: Array<{ source: string; target: string }> | null;
}

/** One capability of one installed provider (no options: they may hold secrets). */
export interface ProviderView {
  name: string;
  version: string;
  capability: string;
  available: boolean;
  /** Why it is unavailable, and what fixes it; null when available. */
  reason: string | null;
  /** What the engine reports at run time (installed voices, pairs), else what the stage declares; null: not declared (any). */
  languages: ProviderLanguagesView | null;
}

/** A translation a job can ask for with what is installed, and who can speak its target. */
export interface LanguagePairView {
  source: string;
  target: string;
  /** Available translate providers the job-time selector accepts for the pair, by name. */
  translators: string[];
  /** Available synthesize providers the selector accepts for the target, by name; empty: subtitles only, no dub track. */
  voices: string[];
}

interface Row { plugin: LoadedPlugin; stage: StageDefinition; availability: Availability; languages?: LanguageSupport }

/**
 * What a client may choose from before it creates a job: presets, providers and the language
 * pairs they make possible. Every door (REST, GraphQL, the web page through REST) lists this one
 * catalog, and its pairs follow the rule the job-time provider selector applies
 * (`languageMismatch`), so a pair listed is a pair a job can get a translator for:
 * - candidates come from each available translator's declared `pairs`, else from its declared
 *   input and output lists (input x output, a language to itself left out);
 * - a translator taking any language ('*' or undeclared input or output) cannot be enumerated: it
 *   adds no pairs of its own (it is still listed in `providers`, its languages null = any), but
 *   where it fits a pair another translator declares it is among that pair's translators, as
 *   the selector would pick it there;
 * - each pair's translators and voices are the available providers for which `languageMismatch`
 *   finds nothing, so a synthesizer declaring no output speaks every target, as at job time;
 * - a pair no voice speaks is listed with `voices: []`: subtitles only.
 */
export class ProviderCatalog {
  constructor(private readonly plugins: PluginHost, private readonly presetRegistry: PresetRegistry) {}

  presets(): PresetView[] {
    return this.presetRegistry.names().map((name) => {
      const p = this.presetRegistry.get(name);
      return { name, description: p.description, capabilities: [...new Set(p.steps.map((s) => s.capability))] };
    });
  }

  /** One row per (provider, capability), by name then capability; only `capability`'s when given. Availability is probed at most every 30 s. */
  async providers(capability?: string): Promise<ProviderView[]> {
    return (await this.rows(capability)).map(({ plugin, stage, availability, languages }) => ({
      name: plugin.def.name,
      version: plugin.def.version,
      capability: stage.capability,
      available: availability.ok,
      reason: availability.ok ? null : availability.reason ?? 'unavailable (the provider gave no reason)',
      languages: languages ? languagesView(languages) : null,
    }));
  }

  /** The source -> target pairs (see the class comment), by source then target. */
  async languages(): Promise<LanguagePairView[]> {
    const ready = (await this.rows()).filter((r) => r.availability.ok);
    const translators = ready.filter((r) => r.stage.capability === 'translate');
    const speakers = ready.filter((r) => r.stage.capability === 'synthesize');
    const candidates = new Map<string, { source: string; target: string }>();
    for (const t of translators) {
      for (const [source, target] of enumerable(t.languages)) {
        if (source !== target) candidates.set(`${source}>${target}`, { source, target });
      }
    }
    const fitting = (rows: Row[], req: { sourceLanguage?: string; targetLanguage: string }) =>
      [...new Set(rows.filter((r) => languageMismatch(r.languages, req) === undefined).map((r) => r.plugin.def.name))];
    const pairs: LanguagePairView[] = [];
    for (const { source, target } of candidates.values()) {
      const by = fitting(translators, { sourceLanguage: source, targetLanguage: target });
      if (by.length) pairs.push({ source, target, translators: by, voices: fitting(speakers, { targetLanguage: target }) });
    }
    return pairs.sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
  }

  /** Each stage of each loaded provider with its availability and the languages the selector reads (the engine's report, else the stage's declaration). */
  private async rows(capability?: string): Promise<Row[]> {
    const out: Row[] = [];
    for (const plugin of this.plugins.plugins()) {
      const stages = plugin.def.stages.filter((s) => capability === undefined || s.capability === capability);
      if (stages.length === 0) continue;
      const availability = await this.plugins.availability(plugin.def.name);
      for (const stage of stages) out.push({ plugin, stage, availability, languages: availability.languages ?? stage.languages });
    }
    return out.sort((x, y) => x.plugin.def.name.localeCompare(y.plugin.def.name) || x.stage.capability.localeCompare(y.stage.capability));
  }
}

/** The pairs a translator's declaration names: its pairs, else input x output when both are lists; nothing for '*' or undeclared. */
function enumerable(l: LanguageSupport | undefined): Array<readonly [string, string]> {
  if (!l) return [];
  if (l.pairs) return [...l.pairs];
  const { input, output } = l;
  if (Array.isArray(input) && Array.isArray(output)) return input.flatMap((from: string) => output.map((to: string) => [from, to] as const));
  return [];
}

function languagesView(l: LanguageSupport): ProviderLanguagesView {
  const list = (v: LanguageSupport['input']) => (v === undefined || v === '*' ? null : [...v]);
  return { input: list(l.input), output: list(l.output), pairs: l.pairs ? l.pairs.map(([source, target]) => ({ source, target })) : null };
}
