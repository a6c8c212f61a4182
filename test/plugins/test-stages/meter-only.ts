/** Only the cost meter, as a paid stage uses it, `paidCalls` times (for the cost benchmark). */
import { defineStage } from '../../../plugins/sdk/plugin.js';

export default defineStage<{ paidCalls: number }>(async (input, ctx) => {
  for (let i = 0; i < input.options.paidCalls; i++) {
    await (await ctx.cost.reserve({ provider: 'deepl', unit: 'characters', quantity: 900, what: 'a request of lines' })).settle(880);
  }
  return { data: null };
});
