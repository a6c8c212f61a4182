/**
 * What the cost ledger adds to a paid cloud call: a reservation (budgets checked, row written in
 * one IMMEDIATE transaction on the file database, with a day of 5,000 earlier calls and budgets
 * set) plus its settlement, from the main thread and from a worker thread (over the stage's
 * port), against a bare INSERT of the same row as the baseline, in the same run. A cloud
 * request takes 100 ms to seconds; the goal is that metering stays under 1 % of the fastest.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../../core/config/schema.js';
import { CostLedger } from '../../core/jobs/cost-ledger.js';
import { openDatabase } from '../../core/jobs/database.js';
import { StagePool } from '../../core/workers/stage-pool.js';
import { TEST_PLUGINS_DIR } from '../medium/core/harness.js';

const CALLS = 2_000;
const EARLIER = 5_000;

export default async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bench-cost-'));
  const db = openDatabase(join(dir, 'dubarr.db'));
  const budget = { ...defaultConfig().budget, perJob: 1e9, perDay: 1e9 };
  const ledger = new CostLedger(db, budget);
  const spend = { provider: 'deepl', unit: 'characters' as const, quantity: 900, what: 'a request of lines' };
  try {
    const earlier = ledger.meterFor('earlier', 'translate:es');
    for (let i = 0; i < EARLIER; i++) await (await earlier.reserve(spend)).settle(880);

    const insert = db.prepare(`INSERT INTO costs (job_id, step, provider, product, unit, quantity, usd, state, what, day, created_at)
      VALUES (?, ?, ?, NULL, ?, ?, ?, 'settled', ?, ?, ?)`);
    let t = performance.now();
    for (let i = 0; i < CALLS; i++) insert.run('bare', 'translate:es', 'deepl', 'characters', 900, 0.0225, 'a request of lines', '2026-11-26', Date.now());
    const bareMs = (performance.now() - t) / CALLS;

    const meter = ledger.meterFor('main', 'translate:es');
    t = performance.now();
    for (let i = 0; i < CALLS; i++) await (await meter.reserve(spend)).settle(880);
    const mainMs = (performance.now() - t) / CALLS;

    // A worker stage reserving and settling CALLS times over its port (test-stages' meter-only).
    const pool = new StagePool({ threads: 1, idleTimeoutMs: 60_000, cancelGraceMs: 1000 });
    const entry = `file://${join(TEST_PLUGINS_DIR, 'test-stages', 'meter-only.js')}`;
    const workDir = await mkdtemp(join(dir, 'w-'));
    const run = () => pool.run({
      entry, input: { options: { paidCalls: CALLS }, params: {}, inputs: {} }, workDir, signal: new AbortController().signal,
      cancelFlag: new Int32Array(new SharedArrayBuffer(4)), onProgress: () => undefined, onLog: () => undefined, cost: ledger.meterFor('worker', 'translate:es'),
    });
    await run(); // warm: the thread and the module loaded
    t = performance.now();
    await run();
    const workerMs = (performance.now() - t) / CALLS;
    await pool.close();

    const fastestRequestMs = 100;
    console.log(`bare INSERT of a ledger row      ${(bareMs * 1000).toFixed(1)} µs`);
    console.log(`reserve + settle, main thread     ${(mainMs * 1000).toFixed(1)} µs (${(mainMs / bareMs).toFixed(1)}× the bare insert)`);
    console.log(`reserve + settle, worker (port)   ${(workerMs * 1000).toFixed(1)} µs (${(workerMs / bareMs).toFixed(1)}× the bare insert)`);
    console.log(`share of a 100 ms cloud request: ${((workerMs / fastestRequestMs) * 100).toFixed(3)} % (goal < 1 %)`);
    console.log(`RESULT cost bare_insert_us=${(bareMs * 1000).toFixed(1)} main_us=${(mainMs * 1000).toFixed(1)} worker_us=${(workerMs * 1000).toFixed(1)} main_vs_bare=${(mainMs / bareMs).toFixed(2)} worker_vs_bare=${(workerMs / bareMs).toFixed(2)} share_of_100ms_pct=${((workerMs / fastestRequestMs) * 100).toFixed(3)} goal_pct=1`);
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
