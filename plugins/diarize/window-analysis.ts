/**
 * The first pass over the track: each planned window through the segmentation model (in
 * batches), decoded to local speakers and masked by the VAD, then one voice embedding per local
 * speaker that talks enough in it, from the filterbank frames where that speaker alone is
 * active (all its frames when it is never alone long enough), mean-normalized per bin as the
 * embedding models were trained. Only the small per-window results are kept.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { DubarrError, throwIfCancelled, type Cancellation } from '../sdk/errors.js';
import type { WavReader } from '../sdk/wav-stream.js';
import { EmbeddingStore } from './embedding-store.js';
import type { FbankGrid } from './fbank-grid.js';
import type { SegmentationSettings } from './model-files.js';
import type { Powerset } from './powerset.js';
import { speechMask, type Span, type WindowPlan } from './windows.js';

export interface ModelRunner {
  session: InferenceSession;
  input: string;
  output: string;
}

export interface WindowResult {
  /** First sample of the window. */
  start: number;
  /** Segmentation frames in it. */
  frames: number;
  /** active[frame * speakers + s]: local speaker s talks in that frame (inside VAD speech). */
  active: Uint8Array;
  /** Per local speaker, its embedding's index in the store, or -1. */
  embedding: Int32Array;
}

export interface AnalysisOptions {
  batch: number;
  minEmbeddingFrames: number;
  /** Share of a window's speech that is new to it (step / window), for embedding weights. */
  newShare: number;
  cancel: Cancellation;
  progress(fraction: number): void;
}

/** Time inside the sessions' run(), and building their features (filterbank, normalization). */
export interface Timings { sessionRunMs: number; fbankMs: number }

export async function analyseWindows(
  reader: WavReader, plan: WindowPlan, speech: readonly Span[],
  seg: ModelRunner & { settings: SegmentationSettings; powerset: Powerset },
  emb: ModelRunner & { grid: FbankGrid },
  o: AnalysisOptions, timings: Timings,
): Promise<{ windows: WindowResult[]; store: EmbeddingStore }> {
  const ort = await import('onnxruntime-node');
  const { windowSamples } = plan;
  const { frameStep, frameField } = seg.settings;
  const speakers = seg.powerset.speakers;
  const store = new EmbeddingStore();
  const windows: WindowResult[] = [];
  const audio = new Float32Array(o.batch * windowSamples);
  for (let b0 = 0; b0 < plan.starts.length; b0 += o.batch) {
    throwIfCancelled(o.cancel);
    const starts = plan.starts.slice(b0, b0 + o.batch);
    for (let i = 0; i < starts.length; i++) {
      const view = audio.subarray(i * windowSamples, (i + 1) * windowSamples);
      const got = await reader.readMono(starts[i]!, windowSamples, view);
      view.fill(0, got.length);
    }
    const input = new ort.Tensor('float32', audio.subarray(0, starts.length * windowSamples), [starts.length, 1, windowSamples]);
    const t0 = performance.now();
    const out = (await seg.session.run({ [seg.input]: input }))[seg.output]!;
    timings.sessionRunMs += performance.now() - t0;
    const [, frames, classes] = out.dims as number[];
    if (classes !== seg.powerset.classes.length || !frames) {
      throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the segmentation model gives ${classes} classes per frame; its settings (speakers ${speakers}, `
        + `maxSpeakersPerFrame) make ${seg.powerset.classes.length}: fix the catalogue entry's settings`);
    }
    const scores = out.data as Float32Array;
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      const active = new Uint8Array(frames * speakers);
      seg.powerset.decode(scores, i * frames * classes, frames, active);
      const mask = new Uint8Array(frames);
      speechMask(speech, start + Math.floor(frameField / 2), frameStep, frames, mask);
      for (let f = 0; f < frames; f++) if (!mask[f]) active.fill(0, f * speakers, (f + 1) * speakers);
      const samples = audio.subarray(i * windowSamples, (i + 1) * windowSamples);
      const embedding = await embedWindow(start, samples, frames, active, speakers, seg.settings, emb, store, o, timings);
      windows.push({ start, frames, active, embedding });
      throwIfCancelled(o.cancel);
    }
    o.progress(Math.min(plan.starts.length, b0 + o.batch) / plan.starts.length);
  }
  return { windows, store };
}

async function embedWindow(
  start: number, samples: Float32Array, frames: number, active: Uint8Array, speakers: number,
  geometry: SegmentationSettings, emb: ModelRunner & { grid: FbankGrid }, store: EmbeddingStore,
  o: AnalysisOptions, timings: Timings,
): Promise<Int32Array> {
  const ort = await import('onnxruntime-node');
  const { grid } = emb;
  const { frameShift, frameLength, melBins } = grid.fbank;
  const out = new Int32Array(speakers).fill(-1);
  if (!active.includes(1)) return out;
  const first = Math.round(start / frameShift);
  const count = grid.fbank.frameCount(samples.length);
  // The segmentation frame each filterbank frame's centre falls in.
  const segFrame = (r: number) => Math.min(frames - 1, Math.max(0, Math.round((r * frameShift + frameLength / 2 - geometry.frameField / 2) / geometry.frameStep)));
  for (let s = 0; s < speakers; s++) {
    const alone: number[] = [];
    const all: number[] = [];
    for (let r = 0; r < count; r++) {
      const k = segFrame(r);
      if (!active[k * speakers + s]) continue;
      all.push(r);
      let others = 0;
      for (let t = 0; t < speakers; t++) if (t !== s) others += active[k * speakers + t]!;
      if (others === 0) alone.push(r);
    }
    const chosen = alone.length >= o.minEmbeddingFrames ? alone : all;
    if (chosen.length < o.minEmbeddingFrames) continue;
    const t0 = performance.now();
    const feats = new Float32Array(chosen.length * melBins);
    chosen.forEach((r, i) => feats.set(grid.frame(first + r, first, samples), i * melBins));
    subtractMean(feats, chosen.length, melBins);
    timings.fbankMs += performance.now() - t0;
    throwIfCancelled(o.cancel);
    const t1 = performance.now();
    const res = (await emb.session.run({ [emb.input]: new ort.Tensor('float32', feats, [1, chosen.length, melBins]) }))[emb.output]!;
    timings.sessionRunMs += performance.now() - t1;
    const vector = Float32Array.from(res.data as Float32Array);
    out[s] = store.add(vector, ((chosen.length * frameShift * 1000) / grid.fbank.o.sampleRate) * o.newShare);
  }
  return out;
}

/** Cepstral mean normalization: each bin minus its mean over the frames. */
export function subtractMean(feats: Float32Array, frames: number, bins: number): void {
  const mean = new Float64Array(bins);
  for (let f = 0; f < frames; f++) for (let b = 0; b < bins; b++) mean[b]! += feats[f * bins + b]!;
  for (let b = 0; b < bins; b++) mean[b]! /= frames;
  for (let f = 0; f < frames; f++) for (let b = 0; b < bins; b++) feats[f * bins + b]! -= mean[b]!;
}
