import { DubarrError } from '../../../plugins/sdk/errors.js';
import { modelBudget } from '../../../plugins/sdk/model-budget.js';
import { onnxSession } from '../../../plugins/sdk/onnx-session.js';
import { defineStage } from '../../../plugins/sdk/plugin.js';

interface Options {
  /** An ONNX file to load (as a provider would), with the resident size to count for it. */
  model?: string;
  residentMb?: number;
  /** Take a GPU token, as a stage with a model on the GPU does. */
  gpu?: boolean;
  /** 'return' at once; 'hold' (report 'holding', keep it until cancelled); 'crash' the thread. */
  then: 'return' | 'hold' | 'crash';
}

/**
 * Holds what a neural stage holds (a loaded session, a GPU token), in a worker thread, so
 * tests can watch the process-wide model budget from the main thread.
 */
export default defineStage(async (input, ctx) => {
  const o = input.options as Options;
  if (o.model) await onnxSession(o.model, { residentMb: o.residentMb, label: o.model.split('/').at(-2) });
  if (o.gpu) await modelBudget().takeGpu(ctx.signal);
  try {
    if (o.then === 'crash') process.exit(1);
    if (o.then === 'hold') {
      ctx.progress(0, 'holding');
      await new Promise((resolve) => {
        if (ctx.signal.aborted) resolve(undefined);
        else ctx.signal.addEventListener('abort', resolve, { once: true });
      });
      throw new DubarrError('E_CANCELLED', 'Cancelled');
    }
    return { data: modelBudget().usage() };
  } finally {
    if (o.gpu) modelBudget().releaseGpu();
  }
});
