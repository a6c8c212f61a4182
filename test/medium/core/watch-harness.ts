/** A test runtime watching <dir>/watch, with every decision and stability check the watcher reports. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createRuntime, type Runtime } from '../../../core/app/runtime.js';
import type { Config, DeepPartial } from '../../../core/config/schema.js';
import type { BusEvent } from '../../../core/jobs/journal.js';
import type { FileDecision } from '../../../core/library/file-decision.js';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import type { StabilityCheck } from '../../../core/watch/stability-gate.js';
import { watchFolders, type FolderWatcher } from '../../../core/watch/folder-watcher.js';
import { testRuntime, type TestRuntime } from './harness.js';

/** One noop stage: a job that succeeds at once. */
export const quick: PresetInput = { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] };

export type FolderOverrides = DeepPartial<Config['watch']['folders'][number]>;

export interface Watching {
  /** What the watcher reported, oldest first. */
  decisions: FileDecision[];
  checks: StabilityCheck[];
  watcher: FolderWatcher;
  rt: Runtime;
  /** The first decision (already made or to come) matching `pred`; the timeout only turns a hang into a failure. */
  decision(pred: (d: FileDecision) => boolean, timeoutMs?: number): Promise<FileDecision>;
  /** The first decision about `path` that is not 'changing' (the file still settling). */
  settled(path: string): Promise<FileDecision>;
  /** Jobs on this input, oldest first. */
  jobsOn(path: string): ReturnType<Runtime['store']['listJobs']>;
}

/** Starts a watcher over `rt` and waits until it has walked its folders once. */
export async function startWatching(rt: Runtime): Promise<Watching> {
  const watcher = watchFolders(rt)!;
  const decisions: FileDecision[] = [];
  const checks: StabilityCheck[] = [];
  watcher.on('decision', (d) => decisions.push(d));
  watcher.on('check', (c) => checks.push(c));
  const decision = (pred: (d: FileDecision) => boolean, timeoutMs = 120_000) => {
    const hit = decisions.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise<FileDecision>((resolve, reject) => {
      const timer = setTimeout(() => { watcher.off('decision', on); reject(new Error('timed out waiting for a decision')); }, timeoutMs);
      const on = (d: FileDecision) => { if (pred(d)) { clearTimeout(timer); watcher.off('decision', on); resolve(d); } };
      watcher.on('decision', on);
    });
  };
  await watcher.ready;
  return {
    decisions, checks, watcher, rt, decision,
    settled: (path) => decision((d) => d.path === path && d.reason !== 'changing'),
    jobsOn: (path) => rt.store.listJobs({ limit: 500 }).filter((j) => j.input === path).reverse(),
  };
}

/**
 * A test runtime whose only watched folder is <dir>/watch (stabilitySeconds 0.2, target es,
 * preset 'quick', no periodic rescan: tests call rescan() when they want one), and a watcher on it.
 */
export async function watchedRuntime(
  folder: FolderOverrides = {}, o: { presets?: Record<string, PresetInput>; watch?: DeepPartial<Config['watch']>; more?: FolderOverrides[] } = {},
): Promise<Watching & { t: TestRuntime; dir: string; close(): Promise<void> }> {
  const t = await testRuntime({ quick, ...o.presets }, {
    watch: {
      enabled: true, rescanMinutes: 0, ...o.watch,
      folders: [{ path: 'watch', preset: 'quick', targetLanguages: ['es'], stabilitySeconds: 0.2, ...folder }, ...(o.more ?? [])],
    },
  });
  const dir = join(t.dir, 'watch');
  await mkdir(dir, { recursive: true });
  const w = await startWatching(t.rt);
  return { ...w, t, dir, close: async () => { await w.watcher.close(); await t.close(); } };
}

/** The same data dir and database as a stopped server's, as the next start of that server sees them. */
export async function restarted(t: TestRuntime, presets: Record<string, PresetInput> = { quick }): Promise<Runtime> {
  await t.rt.close();
  return createRuntime(t.rt.config, { takeQueued: true, presets, log: pino({ level: 'silent' }) });
}

/** The job once it has ended (it may have already). */
export async function ended(rt: Runtime, jobId: string): Promise<ReturnType<Runtime['store']['getJob']>> {
  const terminal = (id: string) => ['succeeded', 'failed', 'cancelled'].includes(rt.store.getJob(id).status);
  if (!terminal(jobId)) {
    await new Promise<void>((resolve) => {
      const on = (e: BusEvent) => { if (e.jobId === jobId && terminal(jobId)) { rt.bus.off('event', on); resolve(); } };
      rt.bus.on('event', on);
      if (terminal(jobId)) { rt.bus.off('event', on); resolve(); }
    });
  }
  return rt.store.getJob(jobId);
}
