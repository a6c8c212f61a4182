import type { LanguageSupport } from '../../plugins/sdk/plugin.js';
import type { PluginHost } from '../plugin-host/plugin-host.js';

/** One capability of one installed provider, as clients see it (no options: they may hold secrets). */
export interface ProviderView {
  name: string;
  version: string;
  capability: string;
  available: boolean;
  reason?: string;
  /** What the engine reports at run time (installed voices, pairs), else what the stage declares. */
  languages?: LanguageSupport;
}

/** A translation the installed providers can do, and who can speak its target. */
export interface LanguagePairView {
  source: string;
  target: string;
  translators: string[];
  /** Synthesize providers whose voices speak the target; empty: subtitles only. */
  voices: string[];
}

/** Installed providers and the languages they cover, for the API (providers, languages). */
export class ProviderCatalog {
  constructor(private readonly plugins: PluginHost) {}

  /** Every provider's capabilities, by name then capability; only those of `capability` when given. */
  async providers(capability?: string): Promise<ProviderView[]> {
    const out: ProviderView[] = [];
    for (const p of this.plugins.plugins()) {
      const stages = p.def.stages.filter((s) => capability === undefined || s.capability === capability);
      if (stages.length === 0) continue;
      const a = await this.plugins.availability(p.def.name);
      for (const s of stages) {
        out.push({ name: p.def.name, version: p.def.version, capability: s.capability, available: a.ok, reason: a.ok ? undefined : a.reason, languages: a.languages ?? s.languages });
      }
    }
    return out.sort((x, y) => x.name.localeCompare(y.name) || x.capability.localeCompare(y.capability));
  }

  /**
   * The source -> target pairs available translate providers can do, each with the available
   * synthesize providers that speak the target. A translator that takes any language (no
   * declared list) has no pairs to enumerate and is left out.
   */
  async languagePairs(): Promise<LanguagePairView[]> {
    const ready = (await this.providers()).filter((p) => p.available);
    const pairs = new Map<string, LanguagePairView>();
    for (const t of ready.filter((p) => p.capability === 'translate')) {
      for (const [source, target] of pairsOf(t.languages)) {
        if (source === target) continue;
        const key = `${source}>${target}`;
        const pair = pairs.get(key) ?? { source, target, translators: [], voices: [] };
        pair.translators.push(t.name);
        pairs.set(key, pair);
      }
    }
    const speakers = ready.filter((p) => p.capability === 'synthesize');
    for (const pair of pairs.values()) {
      pair.voices = speakers.filter((s) => speaks(s.languages, pair.target)).map((s) => s.name);
    }
    return [...pairs.values()].sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
  }
}

function pairsOf(l: LanguageSupport | undefined): Array<readonly [string, string]> {
  if (!l) return [];
  if (l.pairs) return [...l.pairs];
  if (Array.isArray(l.input) && Array.isArray(l.output)) return l.input.flatMap((from) => (l.output as readonly string[]).map((to) => [from, to] as const));
  return [];
}

function speaks(l: LanguageSupport | undefined, language: string): boolean {
  const out = l?.output;
  return out === undefined || out === '*' || out.includes(language);
}
