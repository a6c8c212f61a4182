/**
 * Silero VAD v5 speech probabilities, one per 32 ms window, streamed from a WAV file.
 *
 * The model is recurrent, so one track is a chain of small sequential calls whose fixed cost
 * dominates. To amortize it the track is cut into `lanes` parts that run side by side as one
 * batch (the model takes a batch dimension, each row with its own state). Each part starts
 * WARMUP_WINDOWS early so its state has settled on real audio before its results count. The
 * state never converges exactly (it keeps a long memory), so lanes > 1 is close to, not equal
 * to, one sequential pass: about as close as two passes that start at different offsets.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { throwIfCancelled, type Cancellation } from '../sdk/index.js';
import type { WavReader } from '../sdk/wav-stream.js';

export const SAMPLE_RATE = 16000;
export const WINDOW = 512;
export const WINDOW_MS = (WINDOW * 1000) / SAMPLE_RATE;
/** Each window is fed with the last samples of the previous one, as upstream's wrapper does. */
const CONTEXT = 64;
const STATE = 128;
const WARMUP_WINDOWS = 125; // 4 s
/** Below a minute per lane the batching gain is not worth the warm-up. */
const MIN_LANE_WINDOWS = 1875;
/** Windows per lane per file read: ~2 s of audio; also the abort and progress granularity. */
const CHUNK_WINDOWS = 64;

interface Lane { begin: number; coreStart: number; coreEnd: number; samples: Float32Array }

export interface ProbabilityOptions {
  lanes: number;
  cancel: Cancellation;
  progress(fraction: number): void;
}

export async function speechProbabilities(reader: WavReader, session: InferenceSession, o: ProbabilityOptions): Promise<{ probs: Float32Array; lanes: number }> {
  const ort = await import('onnxruntime-node');
  const windows = Math.ceil(reader.info.frames / WINDOW);
  const probs = new Float32Array(windows);
  const lanes = planLanes(windows, o.lanes);
  const batch = lanes.length;
  const steps = Math.max(0, ...lanes.map((l) => l.coreEnd - l.begin));
  const input = new Float32Array(batch * (CONTEXT + WINDOW));
  let state: Tensor = new ort.Tensor('float32', new Float32Array(2 * batch * STATE), [2, batch, STATE]);
  const sr: Record<string, Tensor> = session.inputNames.includes('sr')
    ? { sr: new ort.Tensor('int64', BigInt64Array.of(BigInt(SAMPLE_RATE)), []) } : {};
  for (let done = 0; done < steps; done += CHUNK_WINDOWS) {
    throwIfCancelled(o.cancel);
    const n = Math.min(CHUNK_WINDOWS, steps - done);
    for (const lane of lanes) await readWindows(reader, lane.begin + done, n, lane.samples);
    for (let j = 0; j < n; j++) {
      lanes.forEach((lane, k) => input.set(lane.samples.subarray(j * WINDOW, j * WINDOW + CONTEXT + WINDOW), k * (CONTEXT + WINDOW)));
      const out = await session.run({ input: new ort.Tensor('float32', input, [batch, CONTEXT + WINDOW]), state, ...sr });
      state = out.stateN as Tensor;
      const p = out.output!.data as Float32Array;
      lanes.forEach((lane, k) => {
        const w = lane.begin + done + j;
        if (w >= lane.coreStart && w < lane.coreEnd) probs[w] = p[k]!;
      });
    }
    o.progress((done + n) / steps);
  }
  return { probs, lanes: batch };
}

function planLanes(windows: number, wanted: number): Lane[] {
  const count = Math.max(1, Math.min(wanted, Math.floor(windows / MIN_LANE_WINDOWS)));
  const per = Math.ceil(windows / count);
  return Array.from({ length: count }, (_, k) => ({
    begin: Math.max(0, k * per - WARMUP_WINDOWS),
    coreStart: k * per,
    coreEnd: Math.min(windows, (k + 1) * per),
    samples: new Float32Array(CHUNK_WINDOWS * WINDOW + CONTEXT),
  }));
}

/** Samples of windows [first, first + n) plus the context before them; zeros outside the file. */
async function readWindows(reader: WavReader, first: number, n: number, out: Float32Array): Promise<void> {
  const from = first * WINDOW - CONTEXT;
  const skip = Math.max(0, -from);
  out.fill(0, 0, skip);
  const got = await reader.readMono(from + skip, n * WINDOW + CONTEXT - skip, out.subarray(skip));
  out.fill(0, skip + got.length);
}
