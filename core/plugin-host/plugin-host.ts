import { z } from 'zod';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { setModelsDir } from '../../plugins/sdk/models.js';
import type { Availability, EngineFingerprint, LanguageSupport, Logger, PluginDefinition, StageDefinition, StageLanguages } from '../../plugins/sdk/plugin.js';
import { formatKeyPath } from '../config/problems.js';
import { codeIdentity, type ModuleMemo } from './code-identity.js';
import { discoverPluginModules } from './discover.js';
import { validatePluginOptions } from './plugin-options.js';

export interface PluginHostConfig {
  dirs: readonly string[];
  /** Per-plugin options from the config file, validated by each plugin's schema. */
  options: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Provider order per capability; providers not listed come after, by name. */
  preference: Readonly<Record<string, readonly string[]>>;
  /** models.dir: where plugins find the models they name by id (set for this thread at load). */
  modelsDir?: string;
}

export interface LoadedPlugin {
  def: PluginDefinition<object>;
  options: object;
  origin: 'builtin' | 'external';
  dir: string;
  /** The plugin's entry module. */
  url: string;
}

/** What a stage's results depend on besides its options, params and inputs; part of its cache key. */
export interface StageFingerprint {
  /** Digest of the plugin's compiled code and the npm packages it imports (code-identity.ts). */
  code: string;
  /** What the provider reports for the step's options and languages (PluginDefinition.engine). */
  engine: EngineFingerprint;
}

export interface StageChoice {
  plugin: LoadedPlugin;
  stage: StageDefinition;
}

export interface SelectRequest {
  /** Explicit plugin name: only it is considered. */
  provider?: string;
  sourceLanguage?: string;
  targetLanguage?: string;
  /**
   * Option overrides per plugin for this step (a job's, a preset step's), so availability is
   * judged with them: a step that names another installed model than the configured one.
   */
  overrides?(plugin: string): Record<string, unknown> | undefined;
}

const StageShape = z.object({
  id: z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+$/, "stage ids look like '<plugin>:<capability>'"),
  capability: z.string().min(1),
  runIn: z.enum(['main', 'worker']),
  entry: z.instanceof(URL),
  weight: z.number().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  retries: z.number().int().nonnegative().optional(),
  externalInputs: z.function().optional(),
});
const PluginShape = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'plugin names are lower-case words with dashes'),
  version: z.string().min(1),
  options: z.custom<z.ZodType>((v) => typeof (v as { safeParse?: unknown })?.safeParse === 'function', 'options must be a zod schema'),
  stages: z.array(StageShape).min(1),
  available: z.function().optional(),
  engine: z.function().optional(),
  retiredOptions: z.record(z.string(), z.string()).optional(),
});

const AVAILABILITY_TTL_MS = 30_000;

/** Loads, validates and chooses provider plugins. */
export class PluginHost {
  readonly broken: Array<{ location: string; reason: string }> = [];
  private readonly byName = new Map<string, LoadedPlugin>();
  private readonly availabilityCache = new Map<string, { at: number; value: Promise<Availability> }>();
  private readonly codeIdentities = new Map<string, Promise<string>>();
  private readonly modules: ModuleMemo = new Map();

  private constructor(private readonly cfg: PluginHostConfig, private readonly log?: Logger) {}

  /**
   * Discovers and imports every plugin. A plugin that does not follow the contract is listed in
   * `broken` and skipped (one bad external plugin must not stop the server); invalid options the
   * user configured are a config error, all of them reported at once.
   */
  static async load(cfg: PluginHostConfig, log?: Logger): Promise<PluginHost> {
    const host = new PluginHost(cfg, log);
    if (cfg.modelsDir) setModelsDir(cfg.modelsDir);
    const optionErrors: string[] = [];
    const misconfigured = new Set<string>();
    for (const m of discoverPluginModules(cfg.dirs)) {
      let def: PluginDefinition<object>;
      try {
        const mod = (await import(m.url)) as { default?: unknown };
        const shape = PluginShape.safeParse(mod.default);
        if (!shape.success) throw new Error(shape.error.issues.map((i) => `${i.path.join('.') || 'plugin'}: ${i.message}`).join('; '));
        def = mod.default as PluginDefinition<object>;
        const wrongPrefix = def.stages.find((s) => !s.id.startsWith(`${def.name}:`));
        if (wrongPrefix) throw new Error(`stage '${wrongPrefix.id}' must start with '${def.name}:'`);
        if (host.byName.has(def.name)) throw new Error(`a plugin named '${def.name}' is already loaded from ${host.byName.get(def.name)!.dir}`);
      } catch (e) {
        host.broken.push({ location: m.dir, reason: (e as Error).message });
        log?.warn({ plugin: m.dir, err: (e as Error).message }, 'plugin skipped: it does not follow the plugin contract');
        continue;
      }
      const { options, problems } = validatePluginOptions(def, cfg.options[def.name] ?? {});
      if (problems.length) {
        optionErrors.push(...problems.map((p) => `${formatKeyPath(['plugins', 'options', def.name, ...p.path])}: ${p.message}`));
        misconfigured.add(def.name);
        continue;
      }
      host.byName.set(def.name, { def, options, origin: m.origin, dir: m.dir, url: m.url });
    }
    for (const name of Object.keys(cfg.options)) {
      if (!host.byName.has(name) && !misconfigured.has(name) && !host.broken.some((b) => b.location.endsWith(name))) {
        optionErrors.push(`plugins.options.${name}: no plugin named '${name}' is installed`);
      }
    }
    if (optionErrors.length) throw new DubarrError('E_CONFIG_INVALID', `Invalid plugin options:\n  ${optionErrors.join('\n  ')}`);
    return host;
  }

  plugins(): LoadedPlugin[] { return [...this.byName.values()].sort((a, b) => a.def.name.localeCompare(b.def.name)); }

  plugin(name: string): LoadedPlugin | undefined { return this.byName.get(name); }

  /** The plugin's configured options with a job's overrides applied, validated. */
  optionsFor(name: string, overrides?: Record<string, unknown>): object {
    const p = this.byName.get(name);
    if (!p) throw new DubarrError('E_NO_PROVIDER', `No plugin named '${name}' is installed`);
    if (!overrides || Object.keys(overrides).length === 0) return p.options;
    const { options, problems } = validatePluginOptions(p.def, { ...(this.cfg.options[name] ?? {}), ...overrides });
    if (problems.length) {
      throw new DubarrError('E_INVALID_ARGUMENT', `Invalid options for ${name}: ${problems.map((p) => `${formatKeyPath(p.path) || '(options)'}: ${p.message}`).join('; ')}`);
    }
    return options;
  }

  /** Cached for a short while: engines are probed at most every 30 s. */
  availability(name: string, overrides?: Record<string, unknown>): Promise<Availability> {
    const p = this.byName.get(name);
    if (!p) return Promise.resolve({ ok: false, reason: `no plugin named '${name}'` });
    const overridden = overrides !== undefined && Object.keys(overrides).length > 0;
    const cacheKey = overridden ? `${name}\0${JSON.stringify(overrides)}` : name;
    const hit = this.availabilityCache.get(cacheKey);
    if (hit && Date.now() - hit.at < AVAILABILITY_TTL_MS) return hit.value;
    const value = (async (): Promise<Availability> => {
      try {
        const options = overridden ? this.optionsFor(name, overrides) : p.options;
        return (await p.def.available?.(options)) ?? { ok: true };
      } catch (e) {
        return { ok: false, reason: `availability check failed: ${(e as Error).message}` };
      }
    })();
    this.availabilityCache.set(cacheKey, { at: Date.now(), value });
    return value;
  }

  /**
   * The plugin's code identity (computed once per host: loaded code does not change) and the
   * engine fingerprint it reports for a step's effective options and languages (asked for every
   * key, so an engine upgraded while dubarr runs is noticed by the next step that uses it).
   */
  async fingerprint(name: string, options: object, languages: StageLanguages): Promise<StageFingerprint> {
    const p = this.byName.get(name);
    if (!p) throw new DubarrError('E_NO_PROVIDER', `No plugin named '${name}' is installed`);
    let code = this.codeIdentities.get(name);
    if (!code) {
      code = codeIdentity([new URL(p.url), ...p.def.stages.map((s) => s.entry)], this.modules);
      this.codeIdentities.set(name, code);
    }
    let engine: EngineFingerprint = {};
    try {
      engine = (await p.def.engine?.(options, languages)) ?? {};
    } catch (e) {
      throw new DubarrError('E_PROVIDER_UNAVAILABLE', `${name} could not identify its engine, so its results cannot be cached safely: ${(e as Error).message}`, { cause: e });
    }
    return { code: await code, engine };
  }

  /**
   * Providers able to do `capability` for the request, best first: the explicit provider, else
   * the configured preference order, then the rest by name. Throws E_NO_PROVIDER naming why
   * each candidate was rejected and what would fix it.
   */
  async select(capability: string, req: SelectRequest = {}): Promise<StageChoice[]> {
    const candidates: StageChoice[] = [];
    for (const plugin of this.byName.values()) {
      for (const stage of plugin.def.stages) if (stage.capability === capability) candidates.push({ plugin, stage });
    }
    const pref = this.cfg.preference[capability] ?? [];
    const rank = (c: StageChoice) => { const i = pref.indexOf(c.plugin.def.name); return i === -1 ? pref.length : i; };
    candidates.sort((a, b) => rank(a) - rank(b) || a.plugin.def.name.localeCompare(b.plugin.def.name));
    const considered = req.provider ? candidates.filter((c) => c.plugin.def.name === req.provider) : candidates;
    const what = describeRequest(capability, req);
    if (considered.length === 0) {
      const installed = candidates.map((c) => c.plugin.def.name);
      throw new DubarrError('E_NO_PROVIDER', req.provider
        ? `Provider '${req.provider}' cannot ${what}: it is not installed or has no '${capability}' stage${installed.length ? ` (providers for it: ${installed.join(', ')})` : ''}.`
        : `No installed plugin can ${what}. Install a provider plugin for '${capability}'.`, { details: { capability } });
    }
    const chosen: StageChoice[] = [];
    const rejected: string[] = [];
    for (const c of considered) {
      const a = await this.availability(c.plugin.def.name, req.overrides?.(c.plugin.def.name));
      if (!a.ok) { rejected.push(`${c.plugin.def.name}: unavailable (${a.reason ?? 'no reason given'})`); continue; }
      const langs = a.languages ?? c.stage.languages;
      const mismatch = languageMismatch(langs, req);
      if (mismatch) {
        const fix = a.howToAdd?.(req.sourceLanguage, req.targetLanguage);
        rejected.push(`${c.plugin.def.name}: ${mismatch}${fix ? `; ${fix}` : ''}`);
        continue;
      }
      chosen.push(c);
    }
    if (chosen.length === 0) {
      throw new DubarrError('E_NO_PROVIDER', `No provider can ${what}:\n  ${rejected.join('\n  ')}`, { details: { capability, rejected } });
    }
    return chosen;
  }
}

function describeRequest(capability: string, req: SelectRequest): string {
  const from = req.sourceLanguage ?? '';
  const to = req.targetLanguage ?? '';
  return `${capability}${from || to ? ` ${from || '?'}${to ? ` -> ${to}` : ''}` : ''}`;
}

function listLanguages(l: readonly string[] | '*' | undefined): string {
  return l === '*' || l === undefined ? 'any' : l.join(', ') || 'none';
}

/** Why a provider's languages do not fit the request, or undefined when they do. */
export function languageMismatch(langs: LanguageSupport | undefined, req: SelectRequest): string | undefined {
  if (!langs) return undefined;
  const { sourceLanguage: from, targetLanguage: to } = req;
  if (langs.pairs) {
    const fits = langs.pairs.some(([a, b]) => (!from || a === from) && (!to || b === to));
    if (!fits) return `no ${from ?? '*'} -> ${to ?? '*'} pair; installed pairs: ${langs.pairs.map(([a, b]) => `${a}->${b}`).join(', ') || 'none'}`;
  }
  if (from && langs.input && langs.input !== '*' && !langs.input.includes(from)) return `does not take '${from}' (takes ${listLanguages(langs.input)})`;
  if (to && langs.output && langs.output !== '*' && !langs.output.includes(to)) return `does not produce '${to}' (produces ${listLanguages(langs.output)})`;
  return undefined;
}
