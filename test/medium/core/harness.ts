import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { distRoot } from '../../../core/app/paths.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../../core/app/runtime.js';
import { loadConfig } from '../../../core/config/load.js';
import type { DeepPartial, Config } from '../../../core/config/schema.js';
import type { BusEvent } from '../../../core/jobs/journal.js';
import type { PresetInput } from '../../../core/pipeline/plan.js';

export const TEST_PLUGINS_DIR = join(distRoot, 'test', 'plugins');
/** Providers that only declare languages (test/catalog-plugins), for the catalog's tests. */
export const CATALOG_PLUGINS_DIR = join(distRoot, 'test', 'catalog-plugins');

export interface TestRuntime {
  rt: Runtime;
  dir: string;
  logFile: string;
  counterDir: string;
  /** A small real file to use as a job's input. */
  input: string;
  events: BusEvent[];
  runs(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/**
 * A real runtime (sqlite file, stage cache, worker pool) over a temp data dir with the test plugins;
 * serve's (takes queued jobs) unless `o.takeQueued` is false (the CLI's).
 * `o.sameDataAs`: a second runtime (another process, as far as the jobs are concerned) on that
 * one's data dir and database; closing it leaves the dir to its owner.
 */
export async function testRuntime(
  presets: Record<string, PresetInput>, overrides: DeepPartial<Config> = {},
  o: { takeQueued?: boolean; log?: Logger; sameDataAs?: TestRuntime; mediaServerRetry?: RuntimeOptions['mediaServerRetry']; costClock?: RuntimeOptions['costClock'] } = {},
): Promise<TestRuntime> {
  const shared = o.sameDataAs;
  const dir = shared?.dir ?? await mkdtemp(join(tmpdir(), 'dubarr-core-'));
  const logFile = join(dir, 'runs.jsonl');
  const counterDir = join(dir, 'counters');
  const input = join(dir, 'input.bin');
  if (!shared) {
    await mkdir(counterDir);
    await writeFile(input, 'not media; the test stages only hash it\n');
  }
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      watch: { enabled: false },
      stages: { backoff: { baseMs: 20, maxMs: 100, factor: 2 } },
      ...overrides,
      // API requests may name files in the test's folder (server.mediaRoots).
      server: { mediaRoots: [dir], ...overrides.server },
      // The test plugins always; a test may add plugin folders and options.
      plugins: {
        ...overrides.plugins,
        dirs: [TEST_PLUGINS_DIR, ...(overrides.plugins?.dirs ?? [])],
        options: { ...overrides.plugins?.options, 'test-stages': { ...overrides.plugins?.options?.['test-stages'], logFile, counterDir } },
      },
    },
  });
  const rt = await createRuntime(config, { takeQueued: o.takeQueued ?? true, presets, log: o.log ?? pino({ level: 'silent' }), mediaServerRetry: o.mediaServerRetry, costClock: o.costClock });
  const events: BusEvent[] = [];
  rt.bus.on('event', (e) => events.push(e));
  return {
    rt, dir, logFile, counterDir, input, events,
    async runs() {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    async close() {
      await rt.close();
      if (!shared) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The first event matching `pred`. The timeout only turns a hang into a failure; it is no bound on speed. */
export function waitFor(t: TestRuntime, pred: (e: BusEvent) => boolean, timeoutMs = 120_000): Promise<BusEvent> {
  const hit = t.events.find(pred);
  if (hit) return Promise.resolve(hit);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { t.rt.bus.off('event', on); reject(new Error('timed out waiting for an event')); }, timeoutMs);
    const on = (e: BusEvent) => { if (pred(e)) { clearTimeout(timer); t.rt.bus.off('event', on); resolve(e); } };
    t.rt.bus.on('event', on);
  });
}

export async function finished(t: TestRuntime, jobId: string, timeoutMs = 120_000) {
  await waitFor(t, (e) => e.jobId === jobId && ['job.succeeded', 'job.failed', 'job.cancelled'].includes(e.type), timeoutMs);
  return t.rt.store.getJob(jobId);
}
