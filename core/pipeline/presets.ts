import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { expandPreset, Preset, type Plan, type PresetInput } from './plan.js';
import type { Job } from '../jobs/store.js';

/** Built-in presets; files in <dataDir>/presets add more or replace these by name. */
export const BUILTIN_PRESETS: Record<string, PresetInput> = {};

/** User presets: one YAML or JSON file per preset, named after the file ('fast-es.yaml' -> 'fast-es'). */
export function readPresetDir(dir: string): Record<string, PresetInput> {
  if (!existsSync(dir)) return {};
  const out: Record<string, PresetInput> = {};
  for (const f of readdirSync(dir).filter((x) => /\.(ya?ml|json)$/i.test(x))) {
    try {
      out[basename(f, extname(f))] = parseYaml(readFileSync(join(dir, f), 'utf8')) as PresetInput;
    } catch (e) {
      throw new DubarrError('E_CONFIG_INVALID', `Preset file ${join(dir, f)} is not valid YAML: ${(e as Error).message}`);
    }
  }
  return out;
}

export class PresetRegistry {
  private readonly presets = new Map<string, Preset>();

  constructor(...sources: ReadonlyArray<Readonly<Record<string, PresetInput>>>) {
    for (const src of sources) {
      for (const [name, p] of Object.entries(src)) {
        const parsed = Preset.safeParse(p);
        if (!parsed.success) {
          throw new DubarrError('E_CONFIG_INVALID', `Preset '${name}' is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        }
        this.presets.set(name, parsed.data);
      }
    }
  }

  names(): string[] { return [...this.presets.keys()].sort(); }

  get(name: string): Preset {
    const p = this.presets.get(name);
    if (!p) throw new DubarrError('E_INVALID_ARGUMENT', `Unknown preset '${name}'; available: ${this.names().join(', ') || 'none'}`);
    return p;
  }

  plan(job: Job): Plan {
    return expandPreset(job.preset, this.get(job.preset), {
      preset: job.preset,
      sourceLanguage: job.sourceLanguage,
      targetLanguages: job.targetLanguages,
      providers: job.options.providers,
      params: { mode: job.options.mode, outDir: job.options.outDir },
    });
  }
}
