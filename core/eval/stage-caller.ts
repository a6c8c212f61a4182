/**
 * Runs single stages for the eval command the way a job runs them (executeStage: the worker
 * pool, the stage's timeout), each in a work folder of its own under one root, and times them.
 */
import { UNMETERED } from '../../plugins/sdk/cost.js';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { StageDefinition, StageInput, StageOutput } from '../../plugins/sdk/plugin.js';
import { executeStage } from '../pipeline/execute-stage.js';
import type { StagePool } from '../workers/stage-pool.js';

export interface StageCall<D> {
  output: StageOutput<D>;
  ms: number;
}

export class StageCaller {
  private runs = 0;

  constructor(private readonly o: { pool: StagePool; log: Logger; root: string; timeoutMs(stage: StageDefinition): number; signal: AbortSignal }) {}

  async run<D = unknown>(stage: StageDefinition, input: Partial<StageInput> & { options: unknown }): Promise<StageCall<D>> {
    const workDir = await mkdtemp(join(this.o.root, `${String(++this.runs).padStart(3, '0')}-${stage.id.replace(/\W/g, '-')}-`));
    const t0 = performance.now();
    const result = await executeStage(stage, { params: {}, inputs: {}, ...input }, {
      workDir, signal: this.o.signal, timeoutMs: this.o.timeoutMs(stage), log: this.o.log, pool: this.o.pool, onProgress: () => undefined, cost: UNMETERED,
    });
    const ms = performance.now() - t0;
    return { ms, output: { files: result.files ?? {}, data: result.data as D, hash: `${stage.id}#${this.runs}` } };
  }
}

/** A file as a stage output (the job's source media, as the runtime hands it to the extract stage). */
export function mediaSource(path: string): StageOutput {
  return { files: { media: path }, data: null, hash: path };
}
