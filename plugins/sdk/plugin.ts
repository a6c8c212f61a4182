import type { z } from 'zod';
import type { CostMeter } from './cost.js';
import { withModelLease } from './model-lease.js';

/** What a stage does. Providers of one capability are interchangeable. */
export type Capability =
  | 'probe' | 'extract' | 'vad' | 'separate' | 'diarize' | 'source-text' | 'transcribe'
  | 'segment' | 'translate' | 'synthesize' | 'fit' | 'mix' | 'subtitle' | 'mux' | 'qa'
  | 'identify-language' | 'source-language'
  | (string & {});

/**
 * Languages as lower-case ISO 639-1 codes where one exists ('en', 'es'), else ISO 639-3.
 * `'*'` means any language. Translate stages list `pairs`; others list `input`/`output`.
 */
export interface LanguageSupport {
  input?: readonly string[] | '*';
  output?: readonly string[] | '*';
  pairs?: ReadonlyArray<readonly [from: string, to: string]>;
}

export interface Availability {
  ok: boolean;
  /** Why not, and what fixes it: 'espeak-ng is not installed: apt-get install espeak-ng'. */
  reason?: string;
  /** Languages the engine reports at run time (installed voices, installed pairs). */
  languages?: LanguageSupport;
  /** What would add a language (pair) it lacks: 'apt-get install apertium-eng-fra'. */
  howToAdd?(from: string | undefined, to: string | undefined): string | undefined;
}

/** The languages of the step an engine fingerprint is for (as the step's params give them). */
export interface StageLanguages {
  sourceLanguage?: string;
  targetLanguage?: string;
}

/**
 * What a provider's results depend on besides its code, options, params and inputs: engine
 * and library versions, fingerprints of model and language-data files. Short strings that are
 * equal for an equal engine across restarts: { espeak: '1.51', data: '<digest>' }.
 */
export type EngineFingerprint = Readonly<Record<string, string>>;

export interface StageDefinition {
  /** '<plugin>:<capability>', e.g. 'espeak-ng:synthesize'. */
  id: string;
  capability: Capability;
  languages?: LanguageSupport;
  /** 'worker' runs in the piscina pool; use it for anything CPU-heavy or blocking. */
  runIn: 'main' | 'worker';
  /** Module whose default export is a StageRun. Loaded lazily, in the thread that runs it. */
  entry: URL;
  /** Relative cost of this stage in a job, for job progress (default 1). */
  weight?: number;
  /**
   * For an input the stage reads only under some options: false when, with these (validated)
   * plugin options, it will not read input `name`, so the step that makes it need not run
   * (the mix reads the separate step's vocals only with background: separate). Absent: every
   * input is read.
   */
  readsInput?(name: string, options: unknown): boolean;
  timeoutMs?: number;
  retries?: number;
  /**
   * Identities of files the stage reads besides its inputs (subtitle files beside the source,
   * say), name -> identity, for its cache key: when one changes, appears or goes, a cached
   * result is not reused. Runs on the main thread before each key is computed: keep it to a
   * folder listing and small files.
   */
  externalInputs?(input: StageInput): Promise<Record<string, string>>;
}

export interface PluginDefinition<O extends object = Record<string, unknown>> {
  name: string;
  /** For people (`dubarr plugins`); cache keys use the code identity and engine fingerprint instead. */
  version: string;
  description?: string;
  /**
   * Validated at load, and so are a job's overrides; defaults live in the schema. Secrets come
   * from config/env. A key the schema does not declare is a config error (did-you-mean listed).
   */
  options: z.ZodType<O>;
  /**
   * Options this plugin had and no longer has, each with what to set instead, so a config that
   * still sets one fails with that advice: { makeDubDefault: 'it is now pipeline.defaultAudio: dub' }.
   */
  retiredOptions?: Readonly<Record<string, string>>;
  stages: StageDefinition[];
  /** Engine installed? key set? model present? Must not throw; must be quick. */
  available?(options: O): Promise<Availability>;
  /**
   * The engine fingerprint of a step run with these options (config and job overrides) and
   * languages. Every cache key of the plugin's stages includes it, so an engine, library, model
   * or language-data upgrade invalidates exactly the results it can change, with no version to
   * bump. Called for every key: keep repeats cheap (engineFileFingerprint remembers file
   * hashes). Include only what results for these languages depend on (the translation pair
   * used, not every installed pair). The plugin's own code, and the SDK code and npm packages
   * it imports, are keyed by the runtime: leave them out.
   */
  engine?(options: O, languages: StageLanguages): Promise<EngineFingerprint>;
}

export function definePlugin<O extends object>(def: PluginDefinition<O>): PluginDefinition<O> {
  return def;
}

/** The output of a finished stage as seen by the stages that consume it. */
export interface StageOutput<D = unknown> {
  /** Result files by name, absolute paths (inside the stage cache; read-only). */
  files: Record<string, string>;
  /** The stage's small JSON document (a Transcript, a Translation, ...). */
  data: D;
  /** Content hash of the files and data; part of the consumers' cache keys. */
  hash: string;
}

/** Job-level parameters a stage sees; all part of its cache key. JSON only. */
export interface StageParams {
  /**
   * The language of the source text: given by the user, or decided by the job's source-language
   * step (for steps after it). Absent when not known yet. Read it with languageParam().
   */
  sourceLanguage?: string;
  /**
   * Before the source language is decided: the audio stream's language tag. Tags lie, so use it
   * to rank choices (which subtitles to try first), never to reject content.
   */
  sourceLanguageHint?: string;
  targetLanguage?: string;
  [key: string]: unknown;
}

export interface StageInput<O = unknown> {
  options: O;
  params: StageParams;
  /** Named outputs of upstream stages; 'source' is the job's input media. */
  inputs: Record<string, StageOutput>;
}

export interface StageResult<D = unknown> {
  /** Files this stage produced, by name: paths inside ctx.workDir (moved into the cache). */
  files?: Record<string, string>;
  data?: D;
}

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface StageContext {
  /**
   * Aborted on cancel, timeout or shutdown. In a worker it aborts only when the thread's event
   * loop turns: between units of work call throwIfCancelled(ctx), which reads cancelFlag too.
   */
  signal: AbortSignal;
  /**
   * The same cancellation as a shared Int32Array flag (non-zero = cancel), set at once, for
   * code that runs synchronously and cannot see the signal; pass it to native/lib sync calls.
   */
  cancelFlag: Int32Array;
  log: Logger;
  /** fraction in [0, 1] of this stage; throttled by the runtime. */
  progress(fraction: number, note?: string): void;
  /** An empty directory for this run; removed afterwards, except the result files. */
  workDir: string;
  /**
   * How many cores this stage may keep busy at once (engine processes, native threads): its
   * share of the worker pool (workers.threads) among the worker stages running when it
   * started, at least 1. A stage that can split its work runs up to this many parts at once;
   * more would only compete with the other stages of the box.
   */
  parallelism: number;
  /**
   * The job's cost ledger, for paid cloud calls: reserve before each billable request (refused
   * with E_BUDGET_EXCEEDED, nothing spent, past budget.perJob or budget.perDay), settle with what
   * was billed; paidCall() does both. Report results taken from the per-unit cache as reused.
   */
  cost: CostMeter;
}

export type StageRun<O = unknown, D = unknown> = (input: StageInput<O>, ctx: StageContext) => Promise<StageResult<D>>;

/**
 * A stage's entry. Each run gets its own model lease (model-lease.ts): the model sessions it
 * uses stay loaded, and a GPU token it takes stays its own, exactly until it returns.
 */
export function defineStage<O = unknown, D = unknown>(run: StageRun<O, D>): StageRun<O, D> {
  return (input, ctx) => withModelLease(ctx.signal, () => run(input, ctx));
}
