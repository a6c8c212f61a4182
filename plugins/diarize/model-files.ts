/**
 * The two models diarization runs, opened from their installed folders, with the settings the
 * catalogue entry carries (`settings`) or the defaults of the model families named below.
 *
 * Catalogue entries (models/catalogue.yaml) this provider expects:
 * - task `segmentation`, provider `diarize`: a pyannote segmentation-3.0 class ONNX export, input
 *   `input_values` (onnx-community) or `x` (sherpa-onnx) [batch, 1, samples] of 16 kHz audio,
 *   output `logits` / `y` [batch, frames, 7] (powerset log-probabilities). settings (optional):
 *   onnx (the file, when the entry lists several .onnx), windowSamples (160000), frameStep (270),
 *   frameField (991), speakers (3), maxSpeakersPerFrame (2).
 * - task `speaker-embedding`, provider `diarize`: a WeSpeaker (`feats` -> `embs`, or onnx-community's
 *   `input_features` -> `last_hidden_state`) or 3D-Speaker
 *   (`x` -> `embedding`) ONNX export taking Kaldi fbank [batch, frames, 80]. settings (optional):
 *   onnx, window ('hamming' for WeSpeaker, the default; 'povey' for 3D-Speaker), sampleScale
 *   (32768 for WeSpeaker, the default; 1 for 3D-Speaker), melBins (80).
 */
import { z } from 'zod';
import { DubarrError } from '../sdk/errors.js';
import { openModel, type InstalledModel, type ModelTask } from '../sdk/models.js';
import type { FbankOptions } from './fbank.js';

export const SEGMENTATION_IO = { inputs: ['input_values', 'x'], outputs: ['logits', 'y'] } as const;
// input_features -> last_hidden_state: the onnx-community export of WeSpeaker ResNet34-LM (the catalogue's).
export const EMBEDDING_IO = { inputs: ['feats', 'x', 'input_features'], outputs: ['embs', 'embedding', 'embeddings', 'last_hidden_state'] } as const;

// Strict: exactly the keys read here, so a key the catalogue spells otherwise is an error, not a
// default silently taken in its place.
export const SegmentationSettings = z.strictObject({
  onnx: z.string().optional(),
  windowSamples: z.int().positive().default(160_000),
  frameStep: z.int().positive().default(270),
  frameField: z.int().positive().default(991),
  speakers: z.int().min(1).max(8).default(3),
  maxSpeakersPerFrame: z.int().min(1).max(8).default(2),
});
export type SegmentationSettings = z.infer<typeof SegmentationSettings>;

export const EmbeddingSettings = z.strictObject({
  onnx: z.string().optional(),
  window: z.enum(['hamming', 'povey', 'hann']).default('hamming'),
  sampleScale: z.number().positive().default(32768),
  melBins: z.int().min(8).max(256).default(80),
});

export interface OpenedModel<S> {
  model: InstalledModel;
  /** Absolute path of the ONNX file. */
  onnx: string;
  settings: S;
}

export async function openSegmentationModel(ref: string): Promise<OpenedModel<SegmentationSettings>> {
  return open(ref, 'segmentation', SegmentationSettings);
}

export async function openEmbeddingModel(ref: string): Promise<OpenedModel<{ onnx?: string; fbank: FbankOptions }>> {
  const m = await open(ref, 'speaker-embedding', EmbeddingSettings);
  const { window, sampleScale, melBins } = m.settings;
  return { ...m, settings: { fbank: { sampleRate: 16000, window, sampleScale, melBins } } };
}

/**
 * The identity of an embedding model's weights: embeddings of two models are not comparable, so
 * a speaker library keeps them apart by it.
 */
export function embedderIdentity(m: OpenedModel<unknown>): string {
  const file = m.model.entry.files.find((f) => m.model.file(f.path) === m.onnx);
  return `${m.model.id}@${(file?.sha256 ?? 'unknown').slice(0, 16)}`;
}

async function open<S extends { onnx?: string }>(ref: string, task: ModelTask, schema: z.ZodType<S>): Promise<OpenedModel<S>> {
  const model = await openModel(ref, { task, provider: 'diarize' });
  const parsed = schema.safeParse(model.entry.settings ?? {});
  if (!parsed.success) {
    throw new DubarrError('E_INVALID_ARGUMENT', `the settings of model ${model.id} are not what the diarize provider reads: ${z.prettifyError(parsed.error)}`);
  }
  const settings = parsed.data;
  const onnxFiles = model.entry.files.map((f) => f.path).filter((p) => p.endsWith('.onnx'));
  const chosen = settings.onnx ?? (onnxFiles.length === 1 ? onnxFiles[0] : undefined);
  if (!chosen || !model.entry.files.some((f) => f.path === chosen)) {
    throw new DubarrError('E_INVALID_ARGUMENT', `model ${model.id} lists ${onnxFiles.length ? onnxFiles.join(', ') : 'no .onnx file'}; `
      + 'its catalogue entry must name the one to run in settings.onnx');
  }
  return { model, onnx: model.file(chosen), settings };
}
