/**
 * Core runtime overhead: (1) dispatch cost of a worker stage through the stage pool, against a
 * bare piscina call measured in the same run; (2) throughput of no-op jobs end to end with
 * SQLite persistence, the stage cache and events.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { pino } from 'pino';
import { createRuntime } from '../../core/app/runtime.js';
import { prepareOutputLocations } from '../../core/pipeline/output-locations.js';
import { loadConfig } from '../../core/config/load.js';
import type { BusEvent } from '../../core/jobs/journal.js';
import { StagePool } from '../../core/workers/stage-pool.js';
import { TEST_PLUGINS_DIR } from '../medium/core/harness.js';

const NOOP_ENTRY = new URL('../plugins/test-stages/noop.js', import.meta.url).href;

async function dispatch(n: number): Promise<{ poolMs: number; bareMs: number }> {
  const pool = new StagePool({ threads: 1, idleTimeoutMs: 60_000, cancelGraceMs: 1000 });
  const bare = new Piscina({ filename: new URL('./core.lib.noop-worker.js', import.meta.url).href, maxThreads: 1, minThreads: 1 });
  const ac = new AbortController();
  const runPool = () => pool.run({
    entry: NOOP_ENTRY, input: { options: {}, params: {}, inputs: {} }, workDir: tmpdir(), signal: ac.signal,
    cancelFlag: new Int32Array(new SharedArrayBuffer(4)), onProgress: () => undefined, onLog: () => undefined,
  });
  for (let i = 0; i < 200; i++) { await runPool(); await bare.run(null); } // warm up both
  let t0 = performance.now();
  for (let i = 0; i < n; i++) await runPool();
  const poolMs = (performance.now() - t0) / n;
  t0 = performance.now();
  for (let i = 0; i < n; i++) await bare.run(null);
  const bareMs = (performance.now() - t0) / n;
  await pool.close();
  await bare.close();
  return { poolMs, bareMs };
}

async function throughput(jobs: number, stage: 'noop' | 'noop-main'): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bench-core-'));
  try {
    const config = loadConfig({
      env: {}, cwd: dir,
      overrides: { dataDir: dir, watch: { enabled: false }, jobs: { concurrency: 8 }, plugins: { dirs: [TEST_PLUGINS_DIR] } },
    });
    const rt = await createRuntime(config, {
      takeQueued: true, log: pino({ level: 'silent' }),
      presets: { noop: { steps: [{ id: 'noop', capability: stage, inputs: { source: 'source' } }] } },
    });
    const inputs = await Promise.all(Array.from({ length: jobs }, async (_, i) => {
      const p = join(dir, `in-${i}.bin`);
      await writeFile(p, `input ${i}\n`);
      return p;
    }));
    let done = 0;
    const all = new Promise<void>((resolve) => rt.bus.on('event', (e: BusEvent) => {
      if (e.type === 'job.succeeded' || e.type === 'job.failed') if (++done === jobs) resolve();
    }));
    const t0 = performance.now();
    for (const input of inputs) rt.scheduler.submit({ input, preset: 'noop', targetLanguages: [], origin: 'backfill', priority: 2 });
    await all;
    const seconds = (performance.now() - t0) / 1000;
    const failed = rt.store.countByStatus().failed;
    await rt.close();
    if (failed) throw new Error(`${failed} no-op jobs failed`);
    return jobs / seconds;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The output-folder check every job gets, at creation and at start, in microseconds per job:
 * into one folder (probed once, then access() only) and into a new folder each time (a probe
 * file created and removed per job).
 */
async function outputCheck(n: number): Promise<{ sameUs: number; freshUs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bench-outcheck-'));
  try {
    const input = join(dir, 'in.bin');
    await writeFile(input, 'input\n');
    const perJob = (folder: (i: number) => string) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        prepareOutputLocations(input, { mode: 'mux', outDir: folder(i) }, { when: 'create' });
        prepareOutputLocations(input, { mode: 'mux', outDir: folder(i) }, { when: 'start' });
      }
      return ((performance.now() - t0) * 1000) / n;
    };
    perJob((i) => join(dir, 'warm', String(i % 10)));
    return { sameUs: perJob(() => join(dir, 'out')), freshUs: perJob((i) => join(dir, 'fresh', String(i))) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default async function bench(): Promise<void> {
  const d = await dispatch(2000);
  console.log(`worker stage dispatch: ${d.poolMs.toFixed(3)} ms per stage (bare piscina call: ${d.bareMs.toFixed(3)} ms; goal < 2 ms)`);
  const worker = await throughput(1000, 'noop');
  const main = await throughput(1000, 'noop-main');
  console.log(`no-op jobs with SQLite + stage cache: ${worker.toFixed(0)} jobs/s (worker stage), ${main.toFixed(0)} jobs/s (main-thread stage); goal >= 200`);
  const check = await outputCheck(2000);
  const share = (us: number) => (us * main) / 1e6;
  console.log(`output folder check (create + start): ${check.sameUs.toFixed(1)} us per job into one folder, ${check.freshUs.toFixed(1)} us into a new folder each time (creates it, probe file); ${(share(check.sameUs) * 100).toFixed(1)} % / ${(share(check.freshUs) * 100).toFixed(1)} % of a no-op job's time (main-thread)`);
  console.log(`RESULT core dispatch_ms=${d.poolMs.toFixed(3)} bare_piscina_ms=${d.bareMs.toFixed(3)} dispatch_overhead_ms=${(d.poolMs - d.bareMs).toFixed(3)} noop_jobs_per_s_worker=${worker.toFixed(0)} noop_jobs_per_s_main=${main.toFixed(0)} output_check_us=${check.sameUs.toFixed(1)} output_check_new_folder_us=${check.freshUs.toFixed(1)} output_check_share=${share(check.sameUs).toFixed(4)} output_check_new_folder_share=${share(check.freshUs).toFixed(4)}`);
}
