/**
 * Diarization of one 16 kHz track: windows through the segmentation model, voice embeddings per
 * (window, local speaker), clustering into speakers, turns. Memory is bounded by one batch of
 * windows, the small per-window results and `maxPairwise`² similarities, however long the film.
 */
import { throwIfCancelled, type Cancellation } from '../sdk/errors.js';
import type { DiarizationSpeaker } from '../sdk/artifacts.js';
import type { WavReader } from '../sdk/wav-stream.js';
import { clusterEmbeddings } from './clustering.js';
import { Fbank, type FbankOptions } from './fbank.js';
import { FbankGrid } from './fbank-grid.js';
import type { SegmentationSettings } from './model-files.js';
import type { DiarizeOptions } from './options.js';
import { Powerset } from './powerset.js';
import { buildTurns, tidyTurns } from './turns.js';
import { analyseWindows, type ModelRunner } from './window-analysis.js';
import { planWindows, speechSpans } from './windows.js';

export const SAMPLE_RATE = 16000;

export interface TrackTimings {
  totalMs: number;
  /** Inside session.run of both models. */
  sessionRunMs: number;
  fbankMs: number;
  clusterMs: number;
}

export interface TrackDiarization {
  durationMs: number;
  speakers: DiarizationSpeaker[];
  segments: Array<{ start: number; end: number; speaker: string }>;
  timings: TrackTimings;
  stats: { windows: number; embeddings: number; clusters: number };
}

export interface TrackModels {
  segmentation: ModelRunner & { settings: SegmentationSettings };
  embedding: ModelRunner & { settings: { fbank: FbankOptions } };
}

export async function diarizeTrack(
  reader: WavReader, vad: ReadonlyArray<{ start: number; end: number }> | undefined, models: TrackModels, o: DiarizeOptions,
  run: { cancel: Cancellation; progress(fraction: number, note?: string): void },
): Promise<TrackDiarization> {
  const t0 = performance.now();
  const { frames, durationMs } = reader.info;
  const seg = models.segmentation.settings;
  const speech = speechSpans(vad ?? [{ start: 0, end: durationMs }], SAMPLE_RATE);
  const fbank = new Fbank(models.embedding.settings.fbank);
  const plan = planWindows(frames, speech, { windowSamples: seg.windowSamples, stepSamples: (o.stepMs * SAMPLE_RATE) / 1000, align: fbank.frameShift });
  const grid = new FbankGrid(fbank, seg.windowSamples);
  const powerset = new Powerset(seg.speakers, seg.maxSpeakersPerFrame);
  const timings = { sessionRunMs: 0, fbankMs: 0 };
  const { windows, store } = await analyseWindows(reader, plan, speech, { ...models.segmentation, powerset }, { ...models.embedding, grid }, {
    batch: o.batch,
    minEmbeddingFrames: Math.ceil((o.minEmbeddingMs * SAMPLE_RATE) / 1000 / fbank.frameShift),
    newShare: Math.min(1, o.stepMs / ((seg.windowSamples * 1000) / SAMPLE_RATE)),
    cancel: run.cancel,
    progress: (f) => run.progress(0.95 * f, `${Math.round(f * plan.starts.length)} of ${plan.starts.length} windows`),
  }, timings);
  throwIfCancelled(run.cancel);

  const tc = performance.now();
  const clusters = clusterEmbeddings(store.rows(), store.dim, store.weights, {
    threshold: o.threshold, numSpeakers: o.numSpeakers, minSpeakers: o.minSpeakers, maxSpeakers: o.maxSpeakers,
    maxPairwise: o.maxPairwise, minClusterWeight: o.minSpeakerMs,
  });
  const clusterMs = performance.now() - tc;
  throwIfCancelled(run.cancel);

  const turns = tidyTurns(buildTurns(windows, (e) => clusters.labels[e]!, clusters.count, {
    sampleRate: SAMPLE_RATE, frameStep: seg.frameStep, frameField: seg.frameField, speakers: seg.speakers,
  }), o).map((t) => ({ ...t, end: Math.min(t.end, durationMs) })).filter((t) => t.end > t.start);

  // Speakers named S1, S2 ... in order of first appearance.
  const ids = new Map<number, string>();
  for (const t of turns) if (!ids.has(t.cluster)) ids.set(t.cluster, `S${ids.size + 1}`);
  const speakers = [...ids].map(([c, id]) => ({
    id,
    speechMs: turns.filter((t) => t.cluster === c).reduce((n, t) => n + t.end - t.start, 0),
    embedding: [...clusters.centroids.subarray(c * store.dim, (c + 1) * store.dim)].map((v) => Math.round(v * 1e6) / 1e6),
  }));
  run.progress(1, `${speakers.length} speakers`);
  return {
    durationMs,
    speakers,
    segments: turns.map((t) => ({ start: t.start, end: t.end, speaker: ids.get(t.cluster)! })),
    timings: { totalMs: performance.now() - t0, sessionRunMs: timings.sessionRunMs, fbankMs: timings.fbankMs, clusterMs },
    stats: { windows: plan.starts.length, embeddings: store.count, clusters: clusters.count },
  };
}
