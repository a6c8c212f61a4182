import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryCostMeter, paidCall } from './cost.js';
import { DubarrError } from './errors.js';

test('paidCall settles with what the answer says was billed, releases a call that threw, and sends nothing past the budget', async () => {
  const meter = memoryCostMeter({ 'deepl:characters': 250 });
  const spend = { provider: 'deepl', unit: 'characters' as const, quantity: 100 };
  assert.equal(await paidCall(meter, spend, async () => ({ billed: 80 }), (r) => r.billed).then((r) => r.billed), 80);
  await assert.rejects(paidCall(meter, spend, async () => { throw new DubarrError('E_PROVIDER_FAILED', 'boom'); }), /boom/);
  let sent = 0;
  await paidCall(meter, spend, async () => { sent++; }); // 80 + 100 = 180
  await assert.rejects(paidCall(meter, spend, async () => { sent++; }), (e: unknown) => e instanceof DubarrError && e.code === 'E_BUDGET_EXCEEDED');
  assert.equal(sent, 1);
  assert.deepEqual(meter.entries.map((e) => [e.state, e.quantity]), [['settled', 80], ['released', 100], ['settled', 100]]);
});
