/**
 * For `npm run bench -- onnx` (test/bench/onnx.ts): the silero-vad stage on a generated talk
 * track, warm (its session already loaded), split into time inside session.run and ours
 * (reading the WAV, building the batched input tensors, the segmenter).
 */
import { onnxRunTime } from '../sdk/onnx-session.js';
import { outputOf, runStageForTest } from '../sdk/testing.js';
import { speechWav } from '../../test/fixtures/speech.js';
import plugin from './index.js';

export interface SileroBench {
  totalMs: number;
  sessionRunMs: number;
  runs: number;
  audioSeconds: number;
}

export async function benchSilero(o: { minutes?: number; rounds?: number } = {}): Promise<SileroBench> {
  const f = await speechWav({ durationMs: (o.minutes ?? 2) * 60_000 });
  const once = () => runStageForTest(plugin.stages[0]!, { options: {}, inputs: { audio: outputOf({ audio: f.path }) } });
  await once(); // loads the session: not what this measures
  let best: SileroBench | undefined;
  for (let i = 0; i < (o.rounds ?? 3); i++) {
    const before = onnxRunTime();
    const t0 = performance.now();
    await once();
    const totalMs = performance.now() - t0;
    const after = onnxRunTime();
    const m = { totalMs, sessionRunMs: after.ms - before.ms, runs: after.runs - before.runs, audioSeconds: f.durationMs / 1000 };
    if (!best || m.totalMs < best.totalMs) best = m;
  }
  return best!;
}
