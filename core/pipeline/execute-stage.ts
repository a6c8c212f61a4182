import type { Logger } from 'pino';
import type { CostMeter } from '../../plugins/sdk/cost.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { StageContext, StageDefinition, StageInput, StageResult } from '../../plugins/sdk/plugin.js';
import type { StagePool } from '../workers/stage-pool.js';
import { loadStageEntry } from '../workers/load-stage.js';

export interface ExecuteOptions {
  workDir: string;
  signal: AbortSignal;
  timeoutMs: number;
  log: Logger;
  pool: StagePool;
  onProgress(fraction: number, note?: string): void;
  /** The job's cost ledger for paid cloud calls (UNMETERED outside a job). */
  cost: CostMeter;
}


/**
 * One attempt of one stage, in the pool or on the main thread, bounded by the timeout.
 * Resolves or rejects promptly on abort even if the stage ignores its signal.
 */
export async function executeStage(stage: StageDefinition, input: StageInput, opts: ExecuteOptions): Promise<StageResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([opts.signal, timeout]);
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const log = opts.log.child({ stage: stage.id });
  try {
    if (stage.runIn === 'worker') {
      return await opts.pool.run({
        entry: stage.entry.href, input, workDir: opts.workDir, signal, cancelFlag,
        onProgress: opts.onProgress, cost: opts.cost,
        onLog: (m) => log[m.level](m.obj as object, m.msg),
      });
    }
    return await runOnMain(stage, input, { ...opts, signal, cancelFlag, log });
  } catch (e) {
    if (timeout.aborted && !opts.signal.aborted) {
      throw new DubarrError('E_STAGE_TIMEOUT', `${stage.id} did not finish within ${Math.round(opts.timeoutMs / 1000)} s`, { cause: e });
    }
    if (opts.signal.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled', { cause: e });
    throw DubarrError.from(e);
  }
}

async function runOnMain(
  stage: StageDefinition, input: StageInput,
  o: ExecuteOptions & { cancelFlag: Int32Array; log: Logger },
): Promise<StageResult> {
  const run = await loadStageEntry(stage.entry.href);
  const ctx: StageContext = {
    signal: o.signal, cancelFlag: o.cancelFlag, workDir: o.workDir, progress: o.onProgress, parallelism: o.pool.share(), cost: o.cost,
    log: { debug: (a, m) => o.log.debug(a as object, m), info: (a, m) => o.log.info(a as object, m), warn: (a, m) => o.log.warn(a as object, m), error: (a, m) => o.log.error(a as object, m) },
  };
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => { Atomics.store(o.cancelFlag, 0, 1); reject(new DubarrError('E_CANCELLED', 'Cancelled')); };
    if (o.signal.aborted) onAbort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return (await Promise.race([run(input, ctx), aborted])) ?? {};
  } finally {
    o.signal.removeEventListener('abort', onAbort);
  }
}
