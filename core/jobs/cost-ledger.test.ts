import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { defaultConfig } from '../config/schema.js';
import { CostLedger } from './cost-ledger.js';
import { JobStore } from './store.js';
import { openDatabase } from './database.js';

const budget = (o: Partial<ReturnType<typeof defaultConfig>['budget']> = {}) => ({ ...defaultConfig().budget, ...o });
const cents = (usd: number | undefined) => (usd === undefined ? undefined : Math.round(usd * 10000) / 100);

test('prices come from the product when it has its own, else from the provider; a unit with no price is counted, unpriced', async () => {
  const ledger = new CostLedger(openDatabase(':memory:'), budget());
  const meter = ledger.meterFor('j1', 'dub');
  await (await meter.reserve({ provider: 'elevenlabs', product: 'dubbing', unit: 'audioSeconds', quantity: 600 })).settle();
  await (await meter.reserve({ provider: 'elevenlabs', product: 'scribe_v1', unit: 'audioSeconds', quantity: 600 })).settle();
  await (await meter.reserve({ provider: 'someone-else', unit: 'predictions', quantity: 2 })).settle();
  const cost = ledger.forJobs(['j1']).get('j1')!;
  assert.deepEqual(cost.lines.map((l) => [l.provider, l.product, cents(l.usd)]), [
    ['elevenlabs', 'dubbing', 480], // $0.008 a second (products.dubbing)
    ['elevenlabs', 'scribe_v1', 6.66], // no product price: the provider's audioSeconds
    ['someone-else', undefined, undefined],
  ]);
  assert.equal(cost.unpriced, true);
  assert.equal(cents(cost.totalUsd), 486.66);
});

test('a released reservation is gone and gives its budget back; a settled one is priced at what was billed, not at the estimate', async () => {
  const ledger = new CostLedger(openDatabase(':memory:'), budget({ perJob: 0.12 }));
  const meter = ledger.meterFor('j1', 'translate:es');
  await (await meter.reserve({ provider: 'deepl', unit: 'characters', quantity: 4000 })).release();
  // $0.10 reserved, $0.025 settled: $0.095 of the $0.12 comes back, so $0.09 more fits, and no more.
  await (await meter.reserve({ provider: 'deepl', unit: 'characters', quantity: 4000 })).settle(1000);
  await meter.reserve({ provider: 'deepl', unit: 'characters', quantity: 3600 });
  await assert.rejects(meter.reserve({ provider: 'deepl', unit: 'characters', quantity: 400 }), /budget\.perJob/);
  assert.deepEqual(ledger.forJobs(['j1']).get('j1')!.lines.map((l) => [l.state, l.quantity, cents(l.usd)]), [['settled', 1000, 2.5], ['reserved', 3600, 9]]);
});

test('reservations count against the budget while in flight; a stopped run\'s leftovers become unconfirmed and still count', async () => {
  const ledger = new CostLedger(openDatabase(':memory:'), budget({ perJob: 1 }));
  const meter = ledger.meterFor('j1', 'synthesize:es');
  await meter.reserve({ provider: 'elevenlabs', unit: 'characters', quantity: 3000 }); // $0.90, never settled
  await assert.rejects(meter.reserve({ provider: 'elevenlabs', unit: 'characters', quantity: 400 }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_BUDGET_EXCEEDED');
  assert.equal(ledger.closeOpenReservations('j1'), 1);
  const cost = ledger.forJobs(['j1']).get('j1')!;
  assert.deepEqual(cost.lines.map((l) => l.state), ['unconfirmed']);
  assert.equal(cents(cost.totalUsd), 90);
  // Another job is not held back by j1's budget.
  await ledger.meterFor('j2', 'synthesize:es').reserve({ provider: 'elevenlabs', unit: 'characters', quantity: 400 });
});

test('two processes on one database share the day\'s budget: the second sees the first\'s reservation before spending', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-costs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const a = openDatabase(join(dir, 'dubarr.db'));
  const b = openDatabase(join(dir, 'dubarr.db'));
  t.after(() => { a.close(); b.close(); });
  const day = Date.UTC(2026, 10, 26, 12);
  const inA = new CostLedger(a, budget({ perDay: 1 }), () => day);
  const inB = new CostLedger(b, budget({ perDay: 1 }), () => day);
  await inA.meterFor('j1', 's').reserve({ provider: 'deepl', unit: 'characters', quantity: 30_000 }); // $0.75
  await assert.rejects(inB.meterFor('j2', 's').reserve({ provider: 'deepl', unit: 'characters', quantity: 12_000 }), // $0.30
    (e: unknown) => e instanceof DubarrError && e.code === 'E_BUDGET_EXCEEDED' && /\$0\.75 of the day's \$1\.00 \(budget\.perDay, 2026-11-26 UTC\)/.test(e.message));
  // The next UTC day starts from nothing.
  const tomorrow = new CostLedger(b, budget({ perDay: 1 }), () => day + 86_400_000);
  await tomorrow.meterFor('j2', 's').reserve({ provider: 'deepl', unit: 'characters', quantity: 12_000 });
  assert.equal(cents(inA.spentOn('2026-11-26')), 75);
  assert.equal(cents(inA.spentOn('2026-11-27')), 30);
});

test('a deleted job takes its ledger rows of earlier days with it; today\'s stay, as budget.perDay counts them', async () => {
  const db = openDatabase(':memory:');
  const store = new JobStore(db);
  const job = store.createJob({ input: '/media/a.mkv', preset: 'dub', targetLanguages: ['es'], origin: 'cli' });
  store.finishJob(job.id, 'succeeded');
  const longAgo = new CostLedger(db, budget(), () => Date.UTC(2020, 0, 1));
  // "Today" as a day no clock reaches yet, so the test cannot straddle a UTC midnight.
  const today = new CostLedger(db, budget(), () => Date.UTC(2999, 0, 1));
  await (await longAgo.meterFor(job.id, 'translate:es').reserve({ provider: 'deepl', unit: 'characters', quantity: 1000 })).settle();
  await (await today.meterFor(job.id, 'synthesize:es').reserve({ provider: 'elevenlabs', unit: 'characters', quantity: 1000 })).settle();
  store.deleteJob(job.id);
  assert.deepEqual((db.prepare('SELECT provider, day FROM costs').all() as Array<{ provider: string; day: string }>).map((r) => r.provider), ['elevenlabs']);
  assert.equal(cents(today.spentOn(today.today())), 30);
  assert.equal(cents(longAgo.spentOn('2020-01-01')), 0);
});
