/**
 * Runs one stage in-process, the way the runtime would, for plugin tests: a fresh work dir,
 * a real AbortSignal and cancel flag, collected progress and logs. No database, no cache.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from './errors.js';
import type { Logger, PluginDefinition, StageContext, StageDefinition, StageInput, StageOutput, StageResult, StageRun } from './plugin.js';

export interface TestRunOptions {
  signal?: AbortSignal;
  /** Keep the work dir (the caller removes it); default: removed after the run unless files were returned. */
  workDir?: string;
  /** StageContext.parallelism; default 1, so a test's result does not depend on the machine's cores. */
  parallelism?: number;
  /** Called with each progress report as it happens (e.g. to cancel at a known point). */
  onProgress?(fraction: number, note?: string): void;
}

export interface TestRun<D = unknown> {
  result: StageResult<D>;
  workDir: string;
  progress: Array<{ fraction: number; note?: string }>;
  logs: Array<{ level: string; obj: unknown; msg?: string }>;
}

export async function loadStage(def: StageDefinition): Promise<StageRun> {
  const mod = (await import(def.entry.href)) as { default?: StageRun };
  if (typeof mod.default !== 'function') {
    throw new DubarrError('E_PLUGIN_INVALID', `${def.id}: ${def.entry.href} has no default-exported StageRun`);
  }
  return mod.default;
}

export function findStage(plugin: PluginDefinition<any>, idOrCapability: string): StageDefinition {
  const s = plugin.stages.find((x) => x.id === idOrCapability || x.capability === idOrCapability);
  if (!s) throw new Error(`${plugin.name} has no stage ${idOrCapability}`);
  return s;
}

/** Makes a StageOutput for a file (or files) a test produced, as an upstream stage would. */
export function outputOf(files: Record<string, string>, data: unknown = null): StageOutput {
  return { files, data, hash: JSON.stringify({ files, data }) };
}

export async function runStageForTest<D = unknown>(
  def: StageDefinition,
  input: Partial<StageInput> & { options: unknown },
  opts: TestRunOptions = {},
): Promise<TestRun<D>> {
  const run = await loadStage(def);
  const workDir = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'dubarr-stage-')));
  const controller = new AbortController();
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = () => { Atomics.store(cancelFlag, 0, 1); controller.abort(opts.signal?.reason); };
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const progress: TestRun['progress'] = [];
  const logs: TestRun['logs'] = [];
  const logAt = (level: string) => (obj: object | string, msg?: string) => { logs.push({ level, obj, msg }); };
  const log: Logger = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') };
  const ctx: StageContext = {
    signal: controller.signal,
    cancelFlag,
    log,
    workDir,
    parallelism: opts.parallelism ?? 1,
    progress: (fraction, note) => { progress.push({ fraction, note }); opts.onProgress?.(fraction, note); },
  };
  try {
    const result = (await run({ params: {}, inputs: {}, ...input }, ctx)) as StageResult<D>;
    return { result, workDir, progress, logs };
  } catch (e) {
    if (!opts.workDir) await rm(workDir, { recursive: true, force: true });
    throw DubarrError.from(e);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
