/** A data dir, config and test presets for driving the real `dubarr` CLI in child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distRoot } from '../../../core/app/paths.js';
import { openDatabase } from '../../../core/jobs/database.js';
import { JobStore } from '../../../core/jobs/store.js';
import { TEST_PLUGINS_DIR } from './harness.js';

export const CLI = join(distRoot, 'core', 'cli', 'main.js');
export const STEPS = ['a', 'b', 'c', 'd'];
export const STEP_MS = 700;

/**
 * A data dir with the presets 'chain' (four slow steps, a..d) and 'long' (one step that runs
 * until cancelled). opts.hold: in 'chain', that step stops at that fraction of its work until
 * the test releases it (release(step)); holding(step) says it is there.
 */
export async function workspace(name: string, opts: { watch?: string; extraConfig?: string[]; hold?: { step: string; at: number } } = {}) {
  const dir = await mkdtemp(join(tmpdir(), `dubarr-crash-${name}-`));
  const logFile = join(dir, 'runs.jsonl');
  await mkdir(join(dir, 'data', 'presets'), { recursive: true });
  await writeFile(join(dir, 'dubarr.yaml'), [
    `dataDir: ${join(dir, 'data')}`,
    'log: { level: warn }',
    `watch: ${opts.watch ?? '{ enabled: false }'}`,
    'plugins:',
    `  dirs: [${TEST_PLUGINS_DIR}]`,
    `  options: { test-stages: { logFile: ${logFile} } }`,
    ...(opts.extraConfig ?? []),
  ].join('\n'));
  const holdDir = join(dir, 'hold');
  await mkdir(holdDir);
  const steps = STEPS.map((id, i) => ({
    id, capability: 'slow', inputs: i === 0 ? { source: 'source' } : { prev: STEPS[i - 1]! },
    params: { ms: STEP_MS, step: id, ...(opts.hold?.step === id ? { holdAt: opts.hold.at, holdDir } : {}) },
  }));
  await writeFile(join(dir, 'data', 'presets', 'chain.json'), JSON.stringify({ steps }));
  const long = [{ id: 'long', capability: 'slow', inputs: { source: 'source' }, params: { untilCancelled: true, step: 'long' } }];
  await writeFile(join(dir, 'data', 'presets', 'long.json'), JSON.stringify({ steps: long }));
  const input = join(dir, 'movie.bin');
  await writeFile(input, 'pretend movie\n');
  const cli = (...args: string[]): ChildProcess => spawn(process.execPath, [CLI, '--config', join(dir, 'dubarr.yaml'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const store = () => new JobStore(openDatabase(join(dir, 'data', 'dubarr.db')));
  const runs = async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { step: string });
  /** Runs the CLI to completion: exit code, stdout, stderr. */
  const run = async (...args: string[]) => {
    const p = cli(...args);
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    return { code: await exited(p), out, err };
  };
  const holding = (step: string) => existsSync(join(holdDir, `${step}.holding`));
  const release = (step: string) => writeFile(join(holdDir, `${step}.release`), '');
  return { dir, input, cli, run, store, runs, holding, release };
}

export const exited = (p: ChildProcess) => new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (code) => r(code))));

/** Polls `fn` until it returns a value. The timeout only turns a hang into a failure; it is no bound on speed. */
export async function poll<T>(fn: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

