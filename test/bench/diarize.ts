/**
 * `npm run bench -- diarize`: the diarize provider on its tiny models (plugins/diarize/bench.ts)
 * over 5 and 20 minutes of two voices: the share of time outside the ONNX sessions (goal
 * <= 10 %), filterbank throughput, clustering time, and how time and memory grow with length
 * (a streamed analysis grows time linearly and its memory hardly at all: peak JS heap and array
 * buffers during the run, above what was held before it). Also clustering alone on
 * 2000 synthetic embeddings (the maxPairwise default).
 */
import { clusterEmbeddings } from '../../plugins/diarize/clustering.js';
import { diarizeBench, type DiarizeBench } from '../../plugins/diarize/bench.js';

function clusterMs(n: number, dim: number): number {
  const x = new Float32Array(n * dim);
  let s = 1;
  for (let i = 0; i < x.length; i++) { s = (s * 16807) % 2147483647; x[i] = (s / 2147483647) - 0.5 + (Math.floor(i / dim) % 8 === i % 8 ? 2 : 0); }
  const t0 = performance.now();
  clusterEmbeddings(x, dim, new Array(n).fill(1000), { threshold: 0.5, minSpeakers: 1, maxSpeakers: 20, maxPairwise: 2000, minClusterWeight: 0 });
  return performance.now() - t0;
}

function line(label: string, b: DiarizeBench): void {
  const own = b.totalMs - b.sessionRunMs;
  console.log(`${label}: ${(b.audioMs / 60000).toFixed(0)} min, ${b.windows} windows, ${b.embeddings} embeddings, ${b.speakers} speakers; `
    + `total ${b.totalMs.toFixed(0)} ms, session.run ${b.sessionRunMs.toFixed(0)} ms, own ${own.toFixed(0)} ms (${((100 * own) / b.totalMs).toFixed(1)} %): `
    + `fbank ${b.fbankMs.toFixed(0)} ms, clustering ${b.clusterMs.toFixed(1)} ms; RTF ${(b.totalMs / b.audioMs).toFixed(4)}; peak memory during the run ${b.memoryMb.toFixed(1)} MB`);
}

export default async function bench(): Promise<void> {
  const short = await diarizeBench({ durationMs: 300_000 });
  line('5 min', short);
  const long = await diarizeBench({ durationMs: 1_200_000 });
  line('20 min', long);
  // 100 frames per second of audio; every frame is computed once however much windows overlap.
  const fbankX = (long.audioMs / 1000) / (long.fbankMs / 1000);
  const c2000 = clusterMs(2000, 256);
  console.log(`filterbank: ${fbankX.toFixed(0)}x real time; clustering 2000 x 256-d embeddings: ${c2000.toFixed(0)} ms`);
  const ownShare = (b: DiarizeBench) => (100 * (b.totalMs - b.sessionRunMs)) / b.totalMs;
  console.log(`RESULT diarize own_pct=${ownShare(long).toFixed(1)} rtf=${(long.totalMs / long.audioMs).toFixed(4)} `
    + `time_20_vs_5=${(long.totalMs / short.totalMs).toFixed(2)} mem_5min_mb=${short.memoryMb.toFixed(1)} mem_20min_mb=${long.memoryMb.toFixed(1)} `
    + `fbank_x_realtime=${fbankX.toFixed(0)} cluster2000_ms=${c2000.toFixed(0)}`);
}
