import type { LanguageSupport } from '../../plugins/sdk/plugin.js';
import type { PresetRegistry } from '../pipeline/presets.js';
import type { PluginHost } from '../plugin-host/plugin-host.js';

export interface PresetInfo { name: string; description: string }

export interface ProviderInfo {
  name: string;
  version: string;
  capabilities: string[];
  available: boolean;
  /** Why not, and what fixes it (never a secret: plugins word it from their own checks). */
  reason?: string;
  languages?: { input?: string[] | '*'; output?: string[] | '*'; pairs?: Array<[string, string]> };
}

/** A language pair a dub can be made in with what is installed: a translator for it and a voice for the target. */
export interface LanguagePair { source: string; target: string; translate: string[]; synthesize: string[] }

/**
 * What a client may choose from before it creates a job: presets, providers and the language
 * pairs they make possible. Read-only; the doors (REST, GraphQL) list it, nothing here changes.
 */
export class CatalogService {
  constructor(private readonly plugins: PluginHost, private readonly presetRegistry: PresetRegistry) {}

  presets(): PresetInfo[] {
    return this.presetRegistry.names().map((name) => ({ name, description: this.presetRegistry.get(name).description }));
  }

  /** Every loaded provider, or those offering `capability`, with its availability (probed at most every 30 s). */
  async providers(capability?: string): Promise<ProviderInfo[]> {
    const loaded = this.plugins.plugins().filter((p) => capability === undefined || p.def.stages.some((s) => s.capability === capability));
    return Promise.all(loaded.map(async (p): Promise<ProviderInfo> => {
      const a = await this.plugins.availability(p.def.name);
      const langs = a.languages ?? p.def.stages.find((s) => s.languages)?.languages;
      return {
        name: p.def.name, version: p.def.version,
        capabilities: [...new Set(p.def.stages.map((s) => s.capability))],
        available: a.ok, reason: a.ok ? undefined : a.reason,
        languages: langs && plainLanguages(langs),
      };
    }));
  }

  /** Pairs some available translator offers whose target some available synthesizer speaks. */
  async languages(): Promise<LanguagePair[]> {
    const ready = (await this.providers()).filter((p) => p.available);
    const voices = ready.filter((p) => p.capabilities.includes('synthesize'));
    const speaks = (target: string) => voices.filter((v) => v.languages?.output === '*' || v.languages?.output?.includes(target)).map((v) => v.name);
    const pairs = new Map<string, LanguagePair>();
    for (const t of ready.filter((p) => p.capabilities.includes('translate'))) {
      for (const [source, target] of t.languages?.pairs ?? []) {
        const synthesize = speaks(target);
        if (synthesize.length === 0) continue;
        const key = `${source}>${target}`;
        const pair = pairs.get(key) ?? { source, target, translate: [], synthesize };
        pair.translate.push(t.name);
        pairs.set(key, pair);
      }
    }
    return [...pairs.values()].sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
  }
}

function plainLanguages(l: LanguageSupport): ProviderInfo['languages'] {
  const list = (v: LanguageSupport['input']) => (v === undefined || v === '*' ? v : [...v]);
  return { input: list(l.input), output: list(l.output), pairs: l.pairs?.map(([a, b]) => [a, b]) };
}
