/**
 * For `npm run bench -- onnx` (and `-- diarize`): the diarize stage on its tiny models over a
 * generated two-voice track, with where the time goes: inside the two ONNX sessions' run()
 * versus the provider's own code (filterbank, powerset decoding, clustering, turns).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diarization } from '../sdk/index.js';
import { findStage, runStageForTest } from '../sdk/testing.js';
import { diarizeInput, installTinyDiarizeModels, twoVoices } from './diarize.testkit.js';
import plugin from './index.js';

export interface DiarizeBench {
  audioMs: number;
  /** The stage's analysis, sessions already loaded. */
  totalMs: number;
  sessionRunMs: number;
  fbankMs: number;
  clusterMs: number;
  windows: number;
  embeddings: number;
  speakers: number;
  /** Most JS heap + array buffer memory the warm run held above what was held before it, MB. */
  memoryMb: number;
}

/** Peak heap + array-buffer bytes while `work` runs (sampled every 20 ms and at the end). */
async function peakMemory<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  const used = () => { const m = process.memoryUsage(); return (m.heapUsed + m.arrayBuffers) / 1048576; };
  const before = used();
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, used()); }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, used());
    return { result, peakMb: peak - before };
  } finally {
    clearInterval(timer);
  }
}

/** One warm run (a first run loads the sessions) on `durationMs` of two voices taking turns. */
export async function diarizeBench(o: { durationMs?: number; options?: object } = {}): Promise<DiarizeBench> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-diarize-bench-'));
  try {
    const models = await installTinyDiarizeModels(join(dir, 'models'));
    const f = await twoVoices({ durationMs: o.durationMs ?? 300_000 });
    const input = diarizeInput(f, { segmentationModel: models.segmentation, embeddingModel: models.embedding, ...o.options });
    const def = findStage(plugin, 'diarize');
    await runStageForTest(def, input);
    const { result: run, peakMb } = await peakMemory(() => runStageForTest<Diarization>(def, input));
    const log = run.logs.find((l) => l.msg === 'diarize finished')!.obj as Record<string, number>;
    return {
      audioMs: f.durationMs, totalMs: log.totalMs!, sessionRunMs: log.sessionRunMs!, fbankMs: log.fbankMs!, clusterMs: log.clusterMs!,
      windows: log.windows!, embeddings: log.embeddings!, speakers: run.result.data!.speakers.length, memoryMb: peakMb,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
