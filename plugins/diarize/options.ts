import { z } from 'zod';
import { onnxRuntimeOptions } from '../sdk/onnx-session.js';

/** The catalogue ids a user pulls first (models/catalogue.yaml). */
export const DEFAULT_SEGMENTATION_MODEL = 'pyannote-segmentation-3.0';
export const DEFAULT_EMBEDDING_MODEL = 'wespeaker-resnet34-lm';

export const DiarizeOptions = z.object({
  /** A pyannote segmentation-3.0 class model: catalogue id, or an absolute path to a model folder. */
  segmentationModel: z.string().min(1).default(DEFAULT_SEGMENTATION_MODEL),
  /** A WeSpeaker / 3D-Speaker class speaker-embedding model: catalogue id or absolute folder path. */
  embeddingModel: z.string().min(1).default(DEFAULT_EMBEDDING_MODEL),
  ...onnxRuntimeOptions,
  /** Cosine similarity at which two groups of voice stretches are one speaker (average linkage). */
  threshold: z.number().min(-1).max(1).default(0.5),
  /** The number of speakers when it is known; overrides threshold. */
  numSpeakers: z.int().min(1).max(100).optional(),
  minSpeakers: z.int().min(1).max(100).default(1),
  maxSpeakers: z.int().min(1).max(100).default(20),
  /**
   * Step between the 10 s analysis windows. 5000: every moment is seen twice. pyannote's own
   * pipeline uses 1000 (better turn edges, five times the model runs).
   */
  stepMs: z.int().min(1000).max(10_000).default(5000),
  /** Windows per segmentation model run. */
  batch: z.int().min(1).max(64).default(8),
  /** A speaker needs this much speech in a window to get a voice embedding there. */
  minEmbeddingMs: z.int().min(100).max(10_000).default(400),
  /** Speakers heard for less in the whole file join the most similar other speaker. */
  minSpeakerMs: z.int().min(0).max(600_000).default(1500),
  /** Turns shorter than this are dropped; pauses shorter than mergeGapMs within one speaker's speech are closed. */
  minSegmentMs: z.int().min(0).max(10_000).default(250),
  mergeGapMs: z.int().min(0).max(10_000).default(300),
  /** Most voice embeddings clustered pairwise (memory: 4 bytes x the square); the rest join the nearest speaker. */
  maxPairwise: z.int().min(100).max(20_000).default(2000),
  /**
   * Keep a speaker library per series folder, so the same character gets the same speaker id
   * (and voice) in every episode.
   */
  speakerLibrary: z.boolean().default(true),
  /** Cosine similarity at which a speaker of this file is a stored speaker of the series. */
  libraryThreshold: z.number().min(-1).max(1).default(0.6),
}).refine((o) => o.minSpeakers <= o.maxSpeakers, { message: 'minSpeakers must not exceed maxSpeakers', path: ['minSpeakers'] });
export type DiarizeOptions = z.infer<typeof DiarizeOptions>;
