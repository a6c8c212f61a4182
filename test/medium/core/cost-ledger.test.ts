import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countingVendor, paidPreset } from '../../fixtures/counting-vendor.js';
import { dataOf, gqlServer } from './graphql-harness.js';
import { finished, testRuntime } from './harness.js';

// 100 characters reserved a line at $0.001 = $0.10; 90 billed = $0.09.
const prices = { 'test-paid': { characters: 0.001 } };
const cents = (usd: number) => Math.round(usd * 10000) / 100;
// One fixed moment: the UTC day of budget.perDay must not change between two jobs of a test.
const noon = { costClock: () => Date.UTC(2026, 10, 26, 12) };

test('a job\'s paid calls, from a worker and from the main thread, are priced in its cost ledger; the API shows them', async (t) => {
  const vendor = await countingVendor();
  const rt = await testRuntime({ paid: paidPreset('a') }, { budget: { prices }, plugins: { options: { 'test-stages': { paidUrl: vendor.url } } } }, noon);
  const gql = await gqlServer(rt);
  t.after(async () => { await gql.close(); await rt.close(); await vendor.close(); });
  const job = rt.rt.scheduler.submit({ input: rt.input, preset: 'paid', targetLanguages: [], origin: 'cli' });
  assert.equal((await finished(rt, job.id)).status, 'succeeded');
  assert.equal(vendor.bodies.length, 6);
  const cost = rt.rt.jobs.get(job.id).cost!;
  assert.equal(cents(cost.totalUsd), 54); // 6 lines, 90 characters billed each
  assert.equal(cents(cost.savedUsd), 10); // 2 × 50 reused characters
  assert.equal(cost.unpriced, false);
  assert.deepEqual(cost.lines.map((l) => [l.step, l.state, l.quantity, cents(l.usd!)]), [
    ['first', 'settled', 270, 27], ['first', 'reused', 50, 5], ['second', 'settled', 270, 27], ['second', 'reused', 50, 5],
  ]);
  const r = dataOf(await gql.gql<{ job: { cost: { totalUsd: number; lines: Array<{ step: string; state: string; unit: string; provider: string }> } } }>(
    'query($id: ID!) { job(id: $id) { cost { totalUsd lines { step provider unit state } } } }', { id: job.id }));
  assert.equal(cents(r.job.cost.totalUsd), 54);
  assert.deepEqual(r.job.cost.lines[0], { step: 'first', provider: 'test-paid', unit: 'characters', state: 'SETTLED' });
  const rest = await (await fetch(`${gql.base}/api/jobs/${job.id}`)).json() as { cost: { totalUsd: number } };
  assert.equal(cents(rest.cost.totalUsd), 54);
  // The QA report as downloaded carries the ledger beside the QA step's own findings.
  const report = await (await fetch(`${gql.base}/api/jobs/${job.id}/artifacts/qa-report.json`)).json() as { steps: string[]; cost: { totalUsd: number; lines: unknown[] } };
  assert.deepEqual(report.steps, ['second']);
  assert.equal(cents(report.cost.totalUsd), 54);
  assert.equal(report.cost.lines.length, 4);
  const metrics = await (await fetch(`${gql.base}/metrics`)).text();
  assert.equal(cents(Number(/^dubarr_cloud_spend_today_usd\{provider="test-paid"\} (\S+)$/m.exec(metrics)?.[1])), 54);
});

test('budget.perJob stops a job before the call that would pass it: nothing more is sent, the job fails with E_BUDGET_EXCEEDED', async (t) => {
  const vendor = await countingVendor();
  // Three lines of the first step reserve $0.30; the second step's first line would make $0.40.
  const rt = await testRuntime({ paid: paidPreset('b') }, { budget: { prices, perJob: 0.35 }, plugins: { options: { 'test-stages': { paidUrl: vendor.url } } } }, noon);
  t.after(async () => { await rt.close(); await vendor.close(); });
  const job = rt.rt.scheduler.submit({ input: rt.input, preset: 'paid', targetLanguages: [], origin: 'cli' });
  const done = await finished(rt, job.id);
  assert.equal(done.status, 'failed');
  assert.equal(done.error?.code, 'E_BUDGET_EXCEEDED');
  assert.match(done.error!.message, /would cost \$0\.10, and this job has spent \$0\.27 of its \$0\.35 \(budget\.perJob\)/);
  assert.deepEqual(vendor.bodies, ['line 1', 'line 2', 'line 3']);
  assert.equal(cents(rt.rt.jobs.get(job.id).cost!.totalUsd), 27);
  // Not retried: spending more is not what a retry could fix.
  assert.equal(rt.rt.store.stageRuns(job.id).filter((r) => r.step === 'second').length, 1);
});

test('budget.perDay counts every job of the day: a second job is stopped inside its worker step when the day\'s budget would pass', async (t) => {
  const vendor = await countingVendor();
  const rt = await testRuntime({ a: paidPreset('c'), b: { steps: [paidPreset('d').steps[0]!] } },
    { budget: { prices, perDay: 0.75 }, plugins: { options: { 'test-stages': { paidUrl: vendor.url } } } }, noon);
  t.after(async () => { await rt.close(); await vendor.close(); });
  const first = rt.rt.scheduler.submit({ input: rt.input, preset: 'a', targetLanguages: [], origin: 'cli' });
  assert.equal((await finished(rt, first.id)).status, 'succeeded'); // $0.54
  const second = rt.rt.scheduler.submit({ input: rt.input, preset: 'b', targetLanguages: [], origin: 'cli' });
  const done = await finished(rt, second.id);
  assert.equal(done.status, 'failed');
  assert.equal(done.error?.code, 'E_BUDGET_EXCEEDED');
  assert.match(done.error!.message, /budget\.perDay/);
  // $0.54 + 2 × $0.09 = $0.72; a third line would reserve $0.10 more.
  assert.equal(vendor.bodies.length, 8);
  assert.equal(cents(rt.rt.costs.spentOn('2026-11-26')), 72);
});

test('a new API key does not re-run a paid step: credentials are left out of cache keys, other options are not', async (t) => {
  const vendor = await countingVendor();
  const rt = await testRuntime({ paid: paidPreset('keys') }, { budget: { prices }, plugins: { options: { 'test-stages': { paidUrl: vendor.url } } } }, noon);
  t.after(async () => { await rt.close(); await vendor.close(); });
  const run = async (plugin: Record<string, unknown>) => {
    const job = rt.rt.scheduler.submit({ input: rt.input, preset: 'paid', targetLanguages: [], origin: 'cli', options: { plugins: { 'test-stages': plugin } } });
    assert.equal((await finished(rt, job.id)).status, 'succeeded');
    return rt.rt.store.stageRuns(job.id).filter((r) => r.step === 'first').map((r) => r.status);
  };
  assert.deepEqual(await run({ apiKey: 'first-key-0123456789' }), ['succeeded']);
  assert.deepEqual(await run({ apiKey: 'rotated-key-9876543210' }), ['cached']);
  assert.equal(vendor.bodies.length, 6);
  assert.deepEqual(await run({ apiKey: 'rotated-key-9876543210', paidCalls: 1 }), ['succeeded'], 'an option that changes the result still does');
});
