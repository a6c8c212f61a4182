import { DubarrError } from '../../../plugins/sdk/errors.js';
import { defineStage } from '../../../plugins/sdk/plugin.js';

/**
 * Blocks its thread the way a synchronous native call does: the event loop never turns, so
 * only the shared cancel flag can stop it (params.ignoreCancel: not even that; the runtime
 * must terminate the thread). Without params.ms it blocks until stopped. It reports progress
 * ('started') before blocking, so a test can act once it is certainly running.
 */
export default defineStage((input, ctx) => {
  const ms = input.params.ms === undefined ? Infinity : Number(input.params.ms);
  const until = Date.now() + ms;
  // Ignoring cancellation: sleep on a word nobody ever changes, 20 ms at a time.
  const waitOn = input.params.ignoreCancel ? new Int32Array(new SharedArrayBuffer(4)) : ctx.cancelFlag;
  ctx.progress(0, 'started');
  while (Date.now() < until) {
    Atomics.wait(waitOn, 0, 0, 20);
    if (!input.params.ignoreCancel && Atomics.load(ctx.cancelFlag, 0) !== 0) {
      return Promise.reject(new DubarrError('E_CANCELLED', 'Cancelled (flag)'));
    }
  }
  return Promise.resolve({ data: { blockedMs: ms } });
});
