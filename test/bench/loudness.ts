/**
 * `npm run bench -- loudness`: what `truePeak: false` saves in measureLoudness. CPU time of
 * this process (not wall time, so other load on the machine matters less), best of 3, on the
 * 30 s fixture and on a 10-minute tone; the pass/fail suite checks only that both modes give
 * the same loudness and range.
 */
import { measureLoudness } from '../../native/lib/index.js';
import { loudnessWav, toneWav } from '../fixtures/media.js';

async function cpuMs(input: string, truePeak: boolean): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    await measureLoudness(input, { truePeak });
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

export default async function bench(): Promise<void> {
  const figures: string[] = [];
  for (const [name, input] of [['30s', await loudnessWav()], ['10min', await toneWav(440, 600)]] as const) {
    const full = await cpuMs(input, true);
    const fast = await cpuMs(input, false);
    console.log(`${name.padEnd(6)} true peak ${full.toFixed(0)} ms CPU, sample peak ${fast.toFixed(0)} ms CPU: ${((fast / full) * 100).toFixed(0)} % of the time`);
    figures.push(`truepeak_cpu_ms_${name}=${full.toFixed(0)} samplepeak_cpu_ms_${name}=${fast.toFixed(0)} samplepeak_vs_truepeak_${name}=${(fast / full).toFixed(2)}`);
  }
  console.log(`RESULT loudness ${figures.join(' ')}`);
}
