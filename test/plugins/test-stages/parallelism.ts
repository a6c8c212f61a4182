import { DubarrError } from '../../../plugins/sdk/errors.js';
import { defineStage } from '../../../plugins/sdk/plugin.js';

/** Reports the parallelism it was granted (as a progress note), then holds its slot until cancelled. */
export default defineStage(async (_input, ctx) => {
  ctx.progress(0, String(ctx.parallelism));
  await new Promise((resolve) => {
    if (ctx.signal.aborted) resolve(undefined);
    else ctx.signal.addEventListener('abort', resolve, { once: true });
  });
  throw new DubarrError('E_CANCELLED', 'Cancelled');
});
