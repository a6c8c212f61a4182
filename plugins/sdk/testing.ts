/**
 * Runs one stage in-process, the way the runtime would, for plugin tests: a fresh work dir,
 * a real AbortSignal and cancel flag that change when the runtime's would (see runStageForTest),
 * collected progress and logs. No database, no cache.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryCostMeter, type CostMeter, type MeteredSpend } from './cost.js';
import { DubarrError } from './errors.js';
import type { Logger, PluginDefinition, StageContext, StageDefinition, StageInput, StageOutput, StageResult, StageRun } from './plugin.js';

export interface TestRunOptions {
  signal?: AbortSignal;
  /** Keep the work dir (the caller removes it); default: removed after the run unless files were returned. */
  workDir?: string;
  /** StageContext.parallelism; default 1, so a test's result does not depend on the machine's cores. */
  parallelism?: number;
  /**
   * Called at each progress report, synchronously (e.g. to cancel mid-run: the earliest a
   * cancel can land; the runtime sees a worker's report a little later).
   */
  onProgress?(fraction: number, note?: string): void;
  /** The stage's cost ledger; default a fresh memoryCostMeter() with no budget (TestRun.cost). */
  cost?: CostMeter & { entries: MeteredSpend[] };
}

export interface TestRun<D = unknown> {
  result: StageResult<D>;
  workDir: string;
  progress: Array<{ fraction: number; note?: string }>;
  logs: Array<{ level: string; obj: unknown; msg?: string }>;
  /** What the stage reserved, was billed for and reused from its cache. */
  cost: MeteredSpend[];
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
  // Cancel as the runtime does. The flag is set at once (the pool uses Atomics). On the main
  // thread the signal aborts at once too; in a worker, only when the thread's event loop turns
  // and reads the pool's message, so a stage busy in synchronous code sees the flag alone.
  // Cancelled before the start, a worker's signal is aborted before the stage runs. (The
  // runtime also stops waiting for a main-thread stage at once; here the stage must stop itself.)
  const cancel = (signalLater: boolean) => {
    Atomics.store(cancelFlag, 0, 1);
    Atomics.notify(cancelFlag, 0);
    if (signalLater) setImmediate(() => controller.abort(opts.signal?.reason));
    else controller.abort(opts.signal?.reason);
  };
  const onAbort = () => cancel(def.runIn === 'worker');
  if (opts.signal?.aborted) cancel(false);
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const progress: TestRun['progress'] = [];
  const logs: TestRun['logs'] = [];
  const logAt = (level: string) => (obj: object | string, msg?: string) => { logs.push({ level, obj, msg }); };
  const log: Logger = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') };
  const cost = opts.cost ?? memoryCostMeter();
  const ctx: StageContext = {
    signal: controller.signal,
    cancelFlag,
    log,
    workDir,
    parallelism: opts.parallelism ?? 1,
    cost,
    progress: (fraction, note) => { progress.push({ fraction, note }); opts.onProgress?.(fraction, note); },
  };
  try {
    const result = (await run({ params: {}, inputs: {}, ...input }, ctx)) as StageResult<D>;
    // Files returned are the caller's to read (and remove); with none, nothing is left to read.
    if (!opts.workDir && Object.keys(result.files ?? {}).length === 0) await rm(workDir, { recursive: true, force: true });
    return { result, workDir, progress, logs, cost: cost.entries };
  } catch (e) {
    if (!opts.workDir) await rm(workDir, { recursive: true, force: true });
    throw DubarrError.from(e);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** The coded error a promise rejects with; the test fails when it resolves, or rejects with anything else. */
export async function codedRejection(p: Promise<unknown>): Promise<DubarrError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DubarrError, `expected a DubarrError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a coded error, but it succeeded');
}
