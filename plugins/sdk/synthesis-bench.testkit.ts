/**
 * For the neural voices' benchmarks (plugins/piper/bench.ts, plugins/kokoro/bench.ts): a
 * synthesize stage run the way the runtime runs it (runStageForTest) on a translation of
 * ordinary English lines, timed around the stage and, from the stage's own 'timings' log line,
 * inside session.run and in espeak-ng.
 */
import { rm } from 'node:fs/promises';
import type { StageDefinition } from './plugin.js';
import type { Translation } from './artifacts.js';
import { outputOf, runStageForTest } from './testing.js';
import { readWavInfo } from './wav.js';

export interface SynthesisBench {
  /** Wall time of the stage runs. */
  totalMs: number;
  /** Inside session.run. */
  sessionRunMs: number;
  /** espeak-ng turning the text into phonemes (a child process per few hundred clauses). */
  phonemizeMs: number;
  /** Everything else of ours: total - session.run - phonemes (ids, WAV writing, reading inputs). */
  restMs: number;
  units: number;
  /** Speech made, seconds. */
  audioSeconds: number;
}

const LINES = [
  'Where were you last night?', 'I told you, I was at the office until late.',
  'Nobody saw you there, and the guard says the doors were locked at eight.',
  'Then the guard is wrong. I came in through the loading bay.',
  'Why would you do that?', 'Because I did not want anyone to know I was working on the Henderson file.',
  'That case was closed two years ago.', 'Closed, yes. Solved, no.',
];

export function benchTranslation(units: number): Translation {
  return {
    sourceLanguage: 'fr', targetLanguage: 'en', provider: 'bench',
    segments: Array.from({ length: units }, (_, i) => ({
      id: `u${i}`, start: i * 6000, end: i * 6000 + 5500, text: '-', target: LINES[i % LINES.length]!, speaker: i % 2 ? 'S2' : 'S1',
    })),
  };
}

/** One warm-up run (sessions, JIT), then `rounds` timed ones. */
export async function benchSynthesis(def: StageDefinition, options: object, o: { units?: number; rounds?: number } = {}): Promise<SynthesisBench> {
  const t = benchTranslation(o.units ?? 40);
  const input = { options, params: { targetLanguage: 'en' }, inputs: { translation: outputOf({}, t) } };
  const once = async () => {
    const t0 = performance.now();
    const run = await runStageForTest(def, input);
    const wallMs = performance.now() - t0;
    const timings = run.logs.map((l) => (l.obj as { timings?: { sessionRunMs: number; phonemizeMs: number } }).timings).find(Boolean)!;
    let audioMs = 0;
    for (const file of Object.values(run.result.files ?? {})) audioMs += (await readWavInfo(file)).durationMs;
    await rm(run.workDir, { recursive: true, force: true });
    return { wallMs, ...timings, audioMs };
  };
  await once();
  const rounds = o.rounds ?? 3;
  const sum = { totalMs: 0, sessionRunMs: 0, phonemizeMs: 0, audioMs: 0 };
  for (let i = 0; i < rounds; i++) {
    const r = await once();
    sum.totalMs += r.wallMs;
    sum.sessionRunMs += r.sessionRunMs;
    sum.phonemizeMs += r.phonemizeMs;
    sum.audioMs += r.audioMs;
  }
  return {
    totalMs: sum.totalMs, sessionRunMs: sum.sessionRunMs, phonemizeMs: sum.phonemizeMs,
    restMs: sum.totalMs - sum.sessionRunMs - sum.phonemizeMs, units: t.segments.length * rounds, audioSeconds: sum.audioMs / 1000,
  };
}
