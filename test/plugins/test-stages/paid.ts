/**
 * A stage that buys, like a cloud provider: `paidCalls` requests to `paidUrl`, each reserved on
 * the job's cost ledger first (100 characters of provider 'test-paid'). A refused reservation
 * sends nothing, so the server's count shows what was bought.
 */
import { paidCall } from '../../../plugins/sdk/cost.js';
import { defineStage } from '../../../plugins/sdk/plugin.js';

export default defineStage<{ paidUrl: string; paidCalls: number }>(async (input, ctx) => {
  const answers: string[] = [];
  for (let i = 0; i < input.options.paidCalls; i++) {
    answers.push(await paidCall(ctx.cost, { provider: 'test-paid', unit: 'characters', quantity: 100, what: `line ${i + 1}` },
      async () => (await fetch(input.options.paidUrl, { method: 'POST', body: `line ${i + 1}` })).text(),
      // The server bills 90 characters of each 100 sent (what a vendor's answer would say).
      () => 90));
  }
  ctx.cost.reused({ provider: 'test-paid', unit: 'characters', quantity: 50, what: 'a cached line' });
  return { data: { answers } };
});
