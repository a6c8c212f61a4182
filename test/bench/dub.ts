/**
 * `npm run bench -- dub`: the whole dub pipeline on a generated 10-minute talk video (espeak-ng
 * speech over a background bed), offline engines, speech recognition as the source text.
 * Prints the real-time factor (processing time / media duration), a per-stage breakdown and
 * the pipeline overhead: wall time during which no stage was running. Each stage's CPU time
 * (this process and the engine processes it ran, read from /proc at the stage's start and end)
 * over its wall time says how many cores it kept busy (stages that overlap count each other's
 * CPU); the load average at the start and end says how much the rest of the machine competed.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createRuntime } from '../../core/app/runtime.js';
import { loadConfig } from '../../core/config/load.js';
import type { BusEvent } from '../../core/jobs/journal.js';
import { talkVideo } from '../fixtures/speech.js';

/** Total length of the union of [start, end] intervals. */
function covered(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [cs, ce] = sorted[0] ?? [0, 0];
  for (const [s, e] of sorted.slice(1)) {
    if (s > ce) { total += ce - cs; [cs, ce] = [s, e]; } else ce = Math.max(ce, e);
  }
  return total + (ce - cs);
}

const TICKS_PER_S = 100; // USER_HZ on Linux
/** CPU seconds of this process and its reaped children (utime + stime + cutime + cstime). */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return fields.slice(11, 15).reduce((n, f) => n + Number(f), 0) / TICKS_PER_S;
}
const load = () => loadavg()[0]!.toFixed(2);

export default async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bench-dub-'));
  try {
    const video = await talkVideo({ long: true, dir, name: 'talk10' });
    const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: join(dir, 'data'), watch: { enabled: false } } });
    const rt = await createRuntime(config, { takeQueued: false, log: pino({ level: 'silent' }) });
    const cpuAt = new Map<string, number>();
    const cpuOf = new Map<string, number>();
    const done = new Promise<void>((resolve) => rt.bus.on('event', (e: BusEvent) => {
      const key = `${e.step}/${String(e.data?.provider)}`;
      if (e.type === 'stage.started') cpuAt.set(key, cpuSeconds());
      if (e.type === 'stage.succeeded') cpuOf.set(key, cpuSeconds() - (cpuAt.get(key) ?? 0));
      if (['job.succeeded', 'job.failed', 'job.cancelled'].includes(e.type)) resolve();
    }));
    const loadBefore = load();
    const cpu0 = cpuSeconds();
    const t0 = Date.now();
    const { job } = rt.scheduler.runNow({ input: video.path, preset: 'dub', targetLanguages: ['es'], options: { mode: 'mux' }, origin: 'cli', priority: 0 });
    await done;
    const wallMs = Date.now() - t0;
    const cpuS = cpuSeconds() - cpu0;
    const loadAfter = load();
    const final = rt.store.getJob(job.id);
    const runs = rt.store.stageRuns(job.id).filter((r) => r.finishedAt);
    await rt.close();
    if (final.status !== 'succeeded') throw new Error(`dub failed: ${final.error?.code} ${final.error?.message}`);

    const mediaMs = video.durationMs;
    console.log(`media ${(mediaMs / 1000).toFixed(0)} s, wall ${(wallMs / 1000).toFixed(1)} s, RTF ${(wallMs / mediaMs).toFixed(3)} (goal <= 0.10)`);
    console.log(`CPU ${cpuS.toFixed(1)} s = ${(cpuS / (wallMs / 1000)).toFixed(2)} of ${availableParallelism()} cores busy on average; load average ${loadBefore} at the start, ${loadAfter} at the end`);
    console.log('stage                 provider          ms      share   cores');
    for (const r of runs) {
      const cpu = cpuOf.get(`${r.step}/${r.provider}`);
      const cores = cpu === undefined || !r.durationMs ? '' : (cpu / (r.durationMs / 1000)).toFixed(2);
      console.log(`${r.step.padEnd(21)} ${(r.provider ?? '').padEnd(16)} ${String(r.durationMs).padStart(7)}  ${(((r.durationMs ?? 0) / wallMs) * 100).toFixed(1).padStart(5)} %  ${cores}`);
    }
    const busy = covered(runs.map((r) => [r.startedAt, r.finishedAt!] as [number, number]));
    const overheadMs = Math.max(0, wallMs - busy);
    console.log(`pipeline overhead (no stage running): ${overheadMs} ms = ${((overheadMs / wallMs) * 100).toFixed(2)} % of wall time (goal <= 3 %)`);
    const stageMs = (step: string) => runs.filter((r) => r.step === step).reduce((n, r) => n + (r.durationMs ?? 0), 0);
    console.log(`RESULT dub media_s=${(mediaMs / 1000).toFixed(0)} wall_s=${(wallMs / 1000).toFixed(1)} rtf=${(wallMs / mediaMs).toFixed(3)} cores_busy=${(cpuS / (wallMs / 1000)).toFixed(2)} load=${loadBefore}/${loadAfter} overhead_pct=${((overheadMs / wallMs) * 100).toFixed(2)} ${['extract', 'vad', 'text', 'translate:es', 'synthesize:es', 'fit:es', 'mix:es', 'mux'].map((s) => `${s.replace(':es', '')}_ms=${stageMs(s)}`).join(' ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
