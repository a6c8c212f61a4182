import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Runtime } from '../app/runtime.js';
import type { Job } from '../jobs/store.js';

export interface DubArgs {
  input: string;
  to?: string;
  from?: string;
  out?: string;
  mode?: 'mux' | 'sidecar' | 'inplace';
  preset?: string;
}

/** Runs one job in this process and renders its progress; resolves with the finished job. */
export async function dub(rt: Runtime, a: DubArgs): Promise<Job> {
  const { job, done } = await rt.jobs.runHere({
    path: resolve(a.input), origin: 'cli', priority: 'interactive',
    targetLanguages: a.to ? a.to.split(',') : undefined, sourceLanguage: a.from, preset: a.preset,
    outputMode: a.mode, outDir: a.out ? resolve(a.out) : undefined,
  });
  const stop = renderProgress(rt, job.id);
  const onSignal = () => {
    try {
      rt.jobs.cancel(job.id);
    } catch {
      // It ended just now; `done` says how.
    }
  };
  process.once('SIGINT', onSignal);
  try {
    return await done;
  } finally {
    process.off('SIGINT', onSignal);
    stop();
  }
}

/** A progress bar on a terminal, plain progress lines otherwise (logs, CI). */
function renderProgress(rt: Runtime, jobId: string): () => void {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ format: '{bar} {percentage}% | {note}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(100, 0, { note: 'starting' });
    const on = (e: { jobId: string; type: string; step?: string; data?: Record<string, unknown> }) => {
      if (e.jobId !== jobId || e.type !== 'job.progress') return;
      const note = e.data?.note ? `${e.step}: ${String(e.data.note)}` : e.step ?? '';
      bar.update(Math.round(Number(e.data?.progress ?? 0) * 100), { note });
    };
    rt.bus.on('event', on);
    return () => { rt.bus.off('event', on); bar.stop(); };
  }
  let last = -1;
  const on = (e: { jobId: string; type: string; step?: string; data?: Record<string, unknown> }) => {
    if (e.jobId !== jobId || e.type !== 'job.progress') return;
    const p = Math.floor(Number(e.data?.progress ?? 0) * 10);
    if (p > last) { last = p; process.stderr.write(`progress ${p * 10}% ${e.step ?? ''}\n`); }
  };
  rt.bus.on('event', on);
  return () => rt.bus.off('event', on);
}
