/**
 * Test support: runs deepl:translate against a contract server with a fresh provider cache
 * (unless one is given), and keeps the logs and the cost ledger whether the run succeeds or
 * fails, so a test can check both (runStageForTest keeps them only for a success).
 */
import { after } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryCostMeter, type MeteredSpend } from '../sdk/cost.js';
import { DubarrError } from '../sdk/errors.js';
import { Translation, type Transcript } from '../sdk/artifacts.js';
import type { Logger, StageContext, StageParams } from '../sdk/plugin.js';
import { setProviderCacheDir } from '../sdk/provider-cache.js';
import { findStage, loadStage, outputOf } from '../sdk/testing.js';
import type { DeeplContractServer } from './contract-server.testkit.js';
import plugin from './index.js';

export const def = findStage(plugin, 'deepl:translate');

/** Lines 3 s apart, each by its own speaker. */
export function transcriptOf(texts: readonly string[], language = 'en'): Transcript {
  return {
    language,
    source: { kind: 'asr', provider: 'test' },
    segments: texts.map((text, i) => ({ id: `u${i}`, start: i * 3000, end: i * 3000 + 2000, text, speaker: `S${i % 2}` })),
  };
}

// Every cache folder of a test file lives in one, removed when the file's tests are done.
const cacheRoot = await mkdtemp(join(tmpdir(), 'dubarr-deepl-caches-'));
after(() => rm(cacheRoot, { recursive: true, force: true }));

export const freshCacheDir = () => mkdtemp(join(cacheRoot, 'cache-'));

export interface DeeplRun {
  translation?: Translation;
  error?: DubarrError;
  logs: Array<{ level: string; obj: unknown; msg?: string }>;
  cost: MeteredSpend[];
}

export interface RunOpts {
  options?: Record<string, unknown>;
  params?: StageParams;
  /** The provider cache folder; default a new empty one (nothing bought before). */
  cacheDir?: string;
  /** 'deepl:characters' budget. */
  budget?: number;
  signal?: AbortSignal;
}

export async function translateWith(server: DeeplContractServer, texts: readonly string[], o: RunOpts = {}): Promise<DeeplRun> {
  setProviderCacheDir(o.cacheDir ?? await freshCacheDir());
  const run = await loadStage(def);
  const logs: DeeplRun['logs'] = [];
  const logAt = (level: string) => (obj: object | string, msg?: string) => { logs.push({ level, obj, msg }); };
  const log: Logger = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') };
  const cost = memoryCostMeter(o.budget === undefined ? {} : { 'deepl:characters': o.budget });
  const ctx: StageContext = {
    signal: o.signal ?? new AbortController().signal,
    cancelFlag: new Int32Array(new SharedArrayBuffer(4)),
    log,
    workDir: await mkdtemp(join(tmpdir(), 'dubarr-deepl-work-')),
    parallelism: 1,
    cost,
    progress: () => {},
  };
  try {
    const result = await run({
      options: { apiKey: server.key, baseUrl: server.url, retryDelayMs: 1, glossaryPollMs: 1, ...o.options },
      params: { sourceLanguage: 'en', targetLanguage: 'es', ...o.params },
      inputs: { units: outputOf({}, transcriptOf(texts)) },
    }, ctx);
    return { translation: Translation.parse(result.data), logs, cost: cost.entries };
  } catch (e) {
    return { error: DubarrError.from(e), logs, cost: cost.entries };
  } finally {
    await rm(ctx.workDir, { recursive: true, force: true });
  }
}

/** Characters as DeepL bills them (Unicode code points). */
export const chars = (texts: readonly string[]) => texts.reduce((n, t) => n + [...t].length, 0);

export const sum = (entries: MeteredSpend[], state: MeteredSpend['state']) =>
  entries.filter((e) => e.state === state).reduce((n, e) => n + e.quantity, 0);
