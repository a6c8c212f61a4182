/**
 * Runs the real `dubarr dub` CLI on generated media, offline, with a fresh data dir, and reads
 * the job back from its database.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distRoot } from '../../core/app/paths.js';
import { openDatabase } from '../../core/jobs/database.js';
import { StageCache } from '../../core/jobs/stage-cache.js';
import { JobStore, type Job, type StageRun } from '../../core/jobs/store.js';

const CLI = join(distRoot, 'core', 'cli', 'main.js');

export interface DubRun { code: number | null; out: string; err: string; job: Job; runs: StageRun[]; store: JobStore }

export async function dubWorkspace(name: string, watchDir?: string) {
  const dir = await mkdtemp(join(tmpdir(), `dubarr-e2e-${name}-`));
  const watch = watchDir ? `{ folders: [{ path: ${join(dir, watchDir)}, targetLanguages: [es], stabilitySeconds: 0.5 }] }` : '{ enabled: false }';
  await writeFile(join(dir, 'dubarr.yaml'), `dataDir: ${join(dir, 'data')}\nlog: { level: warn }\nwatch: ${watch}\n`);
  const store = () => new JobStore(openDatabase(join(dir, 'data', 'dubarr.db')));
  /** `dubarr dub input ...args`, with extra environment variables (e.g. DUBARR_PIPELINE_*). */
  async function dubWithEnv(env: Record<string, string>, input: string, ...args: string[]): Promise<DubRun> {
    const p = spawn(process.execPath, [CLI, '--config', join(dir, 'dubarr.yaml'), 'dub', input, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
    const s = store();
    const job = s.listJobs({ limit: 1 })[0]!;
    return { code, out, err, job, runs: s.stageRuns(job.id), store: s };
  }
  const dub = (input: string, ...args: string[]) => dubWithEnv({}, input, ...args);
  /** `dubarr serve` on a free port; stop it with SIGTERM. */
  const serve = () => spawn(process.execPath, [CLI, '--config', join(dir, 'dubarr.yaml'), 'serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { dir, dub, dubWithEnv, serve, store };
}

/** The result document of a finished step of a job (from the stage runs' artifacts). */
export function outputsOf(job: Job): Record<string, { files: Record<string, string>; data: unknown }> {
  return (job.result as { outputs: Record<string, { files: Record<string, string>; data: unknown }> }).outputs;
}

/** A finished step's document, read from the stage cache through its run's cache key. */
export async function stepData<T>(run: DubRun, dataDir: string, step: string): Promise<T> {
  const r = run.runs.filter((x) => x.step === step && (x.status === 'succeeded' || x.status === 'cached')).at(-1);
  assert.ok(r?.cacheKey, `no finished run of ${step}`);
  const out = await new StageCache(join(dataDir, 'cache')).get(r.cacheKey);
  return out!.data as T;
}
