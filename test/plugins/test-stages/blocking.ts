import { DubarrError } from '../../../plugins/sdk/errors.js';
import { defineStage } from '../../../plugins/sdk/plugin.js';

/**
 * Blocks its thread the way a synchronous native call does: the event loop never turns, so
 * only the shared cancel flag can stop it (params.ignoreCancel: not even that).
 */
export default defineStage((input, ctx) => {
  const until = Date.now() + Number(input.params.ms ?? 30_000);
  while (Date.now() < until) {
    Atomics.wait(ctx.cancelFlag, 0, 0, 20);
    if (!input.params.ignoreCancel && Atomics.load(ctx.cancelFlag, 0) !== 0) {
      return Promise.reject(new DubarrError('E_CANCELLED', 'Cancelled (flag)'));
    }
  }
  return Promise.resolve({ data: { blockedMs: Number(input.params.ms ?? 30_000) } });
});
