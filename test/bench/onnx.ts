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
import { benchSilero } from '../../plugins/silero-vad/bench.js';

interface ProviderBench {
  totalMs: number;
  sessionRunMs: number;
  [figure: string]: number | string | undefined;
}

/** Provider name -> its bench. */
const PROVIDERS: ReadonlyArray<readonly [string, () => Promise<ProviderBench>]> = [
  ['silero-vad', () => benchSilero() as unknown as Promise<ProviderBench>],
];

const GOAL_PCT = 10;
const key = (name: string) => name.replace(/\W+/g, '_');

export default async function bench(): Promise<void> {
  const result: string[] = [];
  let worst = 0;
  for (const [name, run] of PROVIDERS) {
    const m = await run();
    const oursMs = m.totalMs - m.sessionRunMs;
    const pct = (100 * oursMs) / m.totalMs;
    worst = Math.max(worst, pct);
    const extras = Object.entries(m).filter(([k, v]) => k !== 'totalMs' && k !== 'sessionRunMs' && k !== 'oursMs' && v !== undefined)
      .map(([k, v]) => `${k} ${typeof v === 'number' ? +v.toFixed(3) : v}`);
    console.log(`${name.padEnd(12)} total ${m.totalMs.toFixed(1)} ms, session.run ${m.sessionRunMs.toFixed(1)} ms, ours ${oursMs.toFixed(1)} ms = ${pct.toFixed(1)} % (goal <= ${GOAL_PCT} %)${extras.length ? `; ${extras.join(', ')}` : ''}`);
    result.push(`${key(name)}_ours_pct=${pct.toFixed(1)} ${key(name)}_total_ms=${m.totalMs.toFixed(1)} ${key(name)}_run_ms=${m.sessionRunMs.toFixed(1)}`);
  }
  console.log(`RESULT onnx ${result.join(' ')} worst_ours_pct=${worst.toFixed(1)} goal_pct=${GOAL_PCT}`);
}
