/**
 * `npm run bench -- onnx`: for each neural provider, on its tiny model, the time spent around
 * the ONNX session (features, tokens, decoding loops, audio in and out: our code) against the
 * time inside session.run, and the provider's own figures (log-mel or overlap-add throughput).
 * Goal: our code at most 10 % of the provider's time. On tiny models session.run is nearly free,
 * so the share says what our code costs per unit of work, not its share on real weights.
 *
 * Each provider exports a bench function from its plugin (plugins/<name>/bench.ts) returning at
 * least { totalMs, sessionRunMs }; other numeric fields are printed as they are.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diarizeBench } from '../../plugins/diarize/bench.js';
import { benchKokoro } from '../../plugins/kokoro/bench.js';
import { benchMarian } from '../../plugins/marian/bench.js';
import { benchNllb } from '../../plugins/nllb/bench.js';
import { benchPiper } from '../../plugins/piper/bench.js';
import { benchSeparate } from '../../plugins/separate/bench.js';
import { benchSilero } from '../../plugins/silero-vad/bench.js';
import { benchWhisper } from '../../plugins/whisper/bench.js';
import { installTinyMarian, installTinyNllb } from '../fixtures/tiny-translators.js';

interface ProviderBench {
  totalMs: number;
  sessionRunMs: number;
  [figure: string]: number | string | undefined;
}

const asBench = <T extends object>(p: Promise<T>) => p as unknown as Promise<ProviderBench>;

/** Provider name -> its bench; `root` is a scratch folder for tiny models. */
const PROVIDERS: ReadonlyArray<readonly [string, (root: string) => Promise<ProviderBench>]> = [
  ['silero-vad', () => asBench(benchSilero())],
  ['whisper', () => asBench(benchWhisper())],
  ['marian', async (root) => asBench(benchMarian(await installTinyMarian(root)))],
  ['nllb', async (root) => asBench(benchNllb(await installTinyNllb(root)))],
  ['piper', () => asBench(benchPiper())],
  ['kokoro', () => asBench(benchKokoro())],
  ['separate', async () => asBench(Promise.resolve({ ...(await benchSeparate(60)), audioSeconds: 60 }))],
  ['diarize', () => asBench(diarizeBench())],
];

const GOAL_PCT = 10;
const key = (name: string) => name.replace(/\W+/g, '_');

export default async function bench(): Promise<void> {
  const result: string[] = [];
  let worst = 0;
  const root = await mkdtemp(join(tmpdir(), 'dubarr-bench-onnx-'));
  try {
    for (const [name, run] of PROVIDERS) {
      const m = await run(root);
      const oursMs = m.totalMs - m.sessionRunMs;
      const pct = (100 * oursMs) / m.totalMs;
      worst = Math.max(worst, pct);
      const extras = Object.entries(m).filter(([k, v]) => k !== 'totalMs' && k !== 'sessionRunMs' && k !== 'oursMs' && v !== undefined)
        .map(([k, v]) => `${k} ${typeof v === 'number' ? +v.toFixed(3) : v}`);
      console.log(`${name.padEnd(12)} total ${m.totalMs.toFixed(1)} ms, session.run ${m.sessionRunMs.toFixed(1)} ms, ours ${oursMs.toFixed(1)} ms = ${pct.toFixed(1)} % (goal <= ${GOAL_PCT} %)${extras.length ? `; ${extras.join(', ')}` : ''}`);
      result.push(`${key(name)}_ours_pct=${pct.toFixed(1)} ${key(name)}_total_ms=${m.totalMs.toFixed(1)} ${key(name)}_run_ms=${m.sessionRunMs.toFixed(1)}`);
      // Our code's own real-time factor: what it costs per second of audio whatever the model,
      // the figure that carries over to real weights (whose session time is not measured here).
      const audioSeconds = typeof m.audioSeconds === 'number' ? m.audioSeconds : typeof m.audioMs === 'number' ? m.audioMs / 1000 : undefined;
      if (audioSeconds) result.push(`${key(name)}_ours_rtf=${(oursMs / 1000 / audioSeconds).toFixed(5)}`);
      // The two throughputs the issue names: log-mel (audio seconds a second) and overlap-add (samples a second).
      if (typeof m.melSecondsPerSecond === 'number') result.push(`logmel_audio_s_per_s=${m.melSecondsPerSecond.toFixed(0)}`);
      if (typeof m.samplesPerSecond === 'number') result.push(`overlap_add_msamples_per_s=${(m.samplesPerSecond / 1e6).toFixed(1)}`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  console.log(`RESULT onnx ${result.join(' ')} worst_ours_pct=${worst.toFixed(1)} goal_pct=${GOAL_PCT}`);
}
