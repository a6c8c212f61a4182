/**
 * Test support: a stage that works synchronously, as a JS loop over a large input does (text
 * identification, a mixer's inner loop), and a plugin that offers it on the main thread and in
 * a worker. It is its own stage entry.
 *
 * params.check says how it looks for a cancel after each progress report: 'signal' reads
 * ctx.signal alone (what a worker stage cannot rely on inside synchronous code), 'ctx' calls
 * throwIfCancelled(ctx). params.check 'observe' reports progress once and returns what it saw
 * of the cancellation right after that report and one turn of the event loop later.
 */
import { z } from 'zod';
import { DubarrError, throwIfCancelled } from './errors.js';
import { defineStage, definePlugin, type StageContext } from './plugin.js';

const ITERATIONS = 1000;
const REPORT_EVERY = 100;

export interface Observed {
  afterReport: { flag: boolean; signal: boolean };
  nextTurn: { flag: boolean; signal: boolean };
}

const seen = (ctx: StageContext) => ({ flag: Atomics.load(ctx.cancelFlag, 0) !== 0, signal: ctx.signal.aborted });

export default defineStage<unknown, Observed | { sum: number }>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const check = input.params.check;
  if (check === 'observe') {
    ctx.progress(0.5, 'observing');
    const afterReport = seen(ctx);
    await new Promise((resolve) => setImmediate(resolve));
    return { data: { afterReport, nextTurn: seen(ctx) } satisfies Observed };
  }
  if (check !== 'signal' && check !== 'ctx') throw new DubarrError('E_INVALID_ARGUMENT', `params.check must be signal, ctx or observe; got ${String(check)}`);
  let sum = 0;
  for (let i = 1; i <= ITERATIONS; i++) {
    sum += Math.sqrt(i);
    if (i % REPORT_EVERY !== 0) continue;
    ctx.progress(i / ITERATIONS);
    if (check === 'signal' ? ctx.signal.aborted : (throwIfCancelled(ctx), false)) throw new DubarrError('E_CANCELLED', 'Cancelled');
  }
  return { data: { sum } };
});

const entry = new URL(import.meta.url);

export const cancelProbe = definePlugin({
  name: 'cancel-probe',
  version: '1.0.0',
  options: z.object({}),
  stages: [
    { id: 'cancel-probe:worker', capability: 'probe-worker', runIn: 'worker', entry },
    { id: 'cancel-probe:main', capability: 'probe-main', runIn: 'main', entry },
  ],
  available: async () => ({ ok: true }),
});
