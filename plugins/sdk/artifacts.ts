import { z } from 'zod';
import { LanguageIdentification, SourceLanguageDecision } from './language-evidence.js';

/**
 * The JSON documents stages pass to each other. Times are integer milliseconds on the
 * source video's timeline (stream start offsets already applied).
 */
const ms = z.number().int().nonnegative();

export const Word = z.object({
  start: ms, end: ms, text: z.string(), confidence: z.number().min(0).max(1).optional(),
});
export type Word = z.infer<typeof Word>;

export const TranscriptSegment = z.object({
  id: z.string(),
  start: ms,
  end: ms,
  text: z.string(),
  words: z.array(Word).optional(),
  speaker: z.string().optional(),
  confidence: z.number().min(0).max(1).optional(),
});
export type TranscriptSegment = z.infer<typeof TranscriptSegment>;

export const Transcript = z.object({
  /** ISO 639-1 when known; absent when nothing says which language the text is in. */
  language: z.string().optional(),
  /** Where the text came from: 'subtitles' (with the file or stream), 'asr' (with the engine). */
  source: z.object({ kind: z.enum(['subtitles', 'asr']), provider: z.string(), detail: z.string().optional() }),
  segments: z.array(TranscriptSegment),
});
export type Transcript = z.infer<typeof Transcript>;

export const TranslationSegment = TranscriptSegment.extend({ target: z.string() });
export type TranslationSegment = z.infer<typeof TranslationSegment>;

export const Translation = z.object({
  sourceLanguage: z.string(),
  targetLanguage: z.string(),
  provider: z.string(),
  segments: z.array(TranslationSegment),
  /**
   * What the document knows about its speakers, by label (a script's characters): gender, age,
   * a voice chosen outright. Synthesize providers cast by it; their own `speakers` option wins.
   */
  speakers: z.record(z.string(), z.object({
    gender: z.enum(['female', 'male']).optional(),
    age: z.enum(['child', 'young', 'adult', 'old']).optional(),
    voice: z.string().min(1).optional(),
  })).optional(),
});
export type Translation = z.infer<typeof Translation>;

/** Voice activity: where someone speaks. */
export const SpeechSegments = z.object({
  durationMs: ms,
  segments: z.array(z.object({ start: ms, end: ms, probability: z.number().min(0).max(1).optional() })),
});
export type SpeechSegments = z.infer<typeof SpeechSegments>;

/** Synthesized speech, one WAV per dubbing unit. `file` names an entry of the stage's files. */
export const SynthesizedSegments = z.object({
  language: z.string(),
  provider: z.string(),
  segments: z.array(z.object({
    id: z.string(),
    /** The unit's slot on the timeline (from the translation). */
    start: ms,
    end: ms,
    file: z.string(),
    durationMs: ms,
    /** Speaking-rate multiplier the engine used (1 = its default pace). */
    rate: z.number().positive(),
    voice: z.string().optional(),
  })),
});
export type SynthesizedSegments = z.infer<typeof SynthesizedSegments>;

/** The JSON document each capability must return; the contract suite checks it. */
export const CAPABILITY_OUTPUT: Record<string, z.ZodType> = {
  vad: SpeechSegments,
  transcribe: Transcript,
  'source-text': Transcript,
  segment: Transcript,
  translate: Translation,
  synthesize: SynthesizedSegments,
};

/**
 * Timing fit: every synthesized unit sped up (pitch kept) only as much as its slot needs, cut
 * with a fade where even the bounded stretch does not fit, and placed at its absolute start.
 * `file` names an entry of the stage's files (a mono WAV at `sampleRate`).
 */
export const FitUnit = z.object({
  id: z.string(),
  /** The source unit's slot. */
  start: ms,
  end: ms,
  file: z.string(),
  /** Measured length of the fitted file. */
  durationMs: ms,
  /** Length of the synthesized clip before fitting. */
  sourceDurationMs: ms,
  /** Time-stretch factor applied (1 = unchanged, 1.2 = 20 % faster). */
  factor: z.number().min(1),
  /** Speaking rate the synthesizer already used (1 = its default pace). */
  rate: z.number().positive(),
  /** Where the fitted clip sits on the timeline; placedEnd = placedStart + durationMs. */
  placedStart: ms,
  placedEnd: ms,
  /** What the plan predicted would not fit at the chosen factor. */
  overflowMs: ms,
  /** What was actually cut (with a fade-out) so the clip ends before the next unit. */
  trimmedMs: ms,
});
export type FitUnit = z.infer<typeof FitUnit>;

export const FitPlan = z.object({
  language: z.string(),
  sampleRate: z.number().int().positive(),
  /** The time-stretch method used: 'rubberband' or 'atempo' (libavfilter). */
  stretcher: z.string().optional(),
  units: z.array(FitUnit),
  summary: z.object({
    units: z.number().int().nonnegative(),
    stretched: z.number().int().nonnegative(),
    overflows: z.number().int().nonnegative(),
    trimmed: z.number().int().nonnegative().optional(),
    maxFactor: z.number(),
    histogram: z.record(z.string(), z.number().int().nonnegative()),
  }),
});
export type FitPlan = z.infer<typeof FitPlan>;

/** The dubbed audio track (`files.track`), ready for the muxer, and how it was made. */
export const MixedTrack = z.object({
  mode: z.enum(['duck', 'dub-only']),
  /**
   * What the dub lies on: the original ducked under it, the original with its voice removed
   * (mix.background: separate, when a separation ran), or nothing ('dub-only').
   */
  background: z.enum(['ducked', 'separated', 'none']).optional(),
  /** The separation the voice was removed with: its model, and the channels it was taken out of. */
  separation: z.object({ model: z.string(), channels: z.array(z.string()) }).optional(),
  /** 'aac', 'opus' or 'flac', and the libav encoder that wrote it. */
  codec: z.string(),
  encoder: z.string(),
  bitrate: z.number().int().positive().optional(),
  channels: z.number().int().positive(),
  channelLayout: z.string(),
  sampleRate: z.number().int().positive(),
  /**
   * Where the track's first sample belongs on the video timeline, ms; the muxer delays the
   * track by this much. The track is rendered from timeline 0, so this is 0.
   */
  offsetMs: z.number().int(),
  durationMs: ms,
  /** Channels carrying the dub (and, when ducking, the ducked original), by libav name. */
  dubChannels: z.array(z.string()),
  units: z.number().int().nonnegative(),
  loudness: z.object({
    /** How the target was chosen, in words. */
    rule: z.string(),
    sourceLufs: z.number().nullable(),
    targetLufs: z.number(),
    dubLufsBefore: z.number().nullable(),
    dubLufsAfter: z.number().nullable(),
    gainDb: z.number(),
    /** The dub's true peak after the gain, dBTP. */
    dubTruePeakDbtp: z.number().nullable(),
    /** The gain was lowered to keep the dub's true peak under the ceiling. */
    peakLimited: z.boolean(),
  }),
  /** null in 'dub-only' mode. */
  ducking: z.object({
    duckDb: z.number(),
    attackMs: z.number(),
    releaseMs: z.number(),
    /** Stretches of the timeline where the original is lowered, and their total length. */
    regions: z.number().int().nonnegative(),
    duckedMs: ms,
  }).nullable(),
  limiter: z.object({
    ceilingDbfs: z.number(),
    /** Samples per dub channel the limiter turned down, and by how much at most. */
    limitedFrames: z.number().int().nonnegative(),
    maxReductionDb: z.number(),
  }),
});
export type MixedTrack = z.infer<typeof MixedTrack>;

// Added after the table rather than inside it, so concurrent additions to the SDK do not collide.
Object.assign(CAPABILITY_OUTPUT, { fit: FitPlan, mix: MixedTrack });
Object.assign(CAPABILITY_OUTPUT, { 'identify-language': LanguageIdentification, 'source-language': SourceLanguageDecision });

/**
 * What a delivery step (a step with side effects, `cache: false`: the mux) reports: every file it
 * wrote into the user's library, and the video a player opens (in place: the user's file, under
 * a new extension when the container had to change). The runtime records them with the job, so
 * a watched folder knows them as dubarr's own output and never dubs them again.
 */
export const Delivery = z.object({
  written: z.array(z.string()),
  video: z.string().optional(),
});
export type Delivery = z.infer<typeof Delivery>;
Object.assign(CAPABILITY_OUTPUT, { mux: Delivery });

/**
 * A source's dialogue channels split in two (`files.vocals`, `files.background`: float WAV at
 * `sampleRate`, one channel per entry of `channels`, on the video timeline from 0). Vocals plus
 * background is the source, resampled to the model's rate.
 */
export const SeparatedAudio = z.object({
  provider: z.string(),
  model: z.string(),
  sampleRate: z.number().int().positive(),
  /** The source's layout, and the dialogue channels the files hold, by libav name ('FL', 'FR' or 'FC'). */
  channelLayout: z.string(),
  channels: z.array(z.string()).min(1),
  frames: z.number().int().nonnegative(),
  durationMs: ms,
  /** Model runs, their length and the overlap blended between consecutive ones, in samples. */
  chunks: z.number().int().nonnegative(),
  chunkFrames: z.number().int().positive(),
  crossfadeFrames: z.number().int().nonnegative(),
});
export type SeparatedAudio = z.infer<typeof SeparatedAudio>;
Object.assign(CAPABILITY_OUTPUT, { separate: SeparatedAudio });

/**
 * Who speaks when: speaker turns on the source timeline (turns of two speakers may overlap).
 * Speaker ids are 'S1', 'S2', ...: per file from the diarize step, then, from the
 * identify-speakers step, the ids of a series' speaker library, so 'S1' is the same voice in
 * every episode. `embedding` is the speaker's mean voice embedding (unit length), for matching.
 */
export const DiarizationSpeaker = z.object({
  id: z.string().regex(/^S\d+$/),
  /** Total time the speaker is heard. */
  speechMs: ms,
  embedding: z.array(z.number()).optional(),
  /** identify-speakers: true when a stored speaker of the series matched. */
  known: z.boolean().optional(),
});
export type DiarizationSpeaker = z.infer<typeof DiarizationSpeaker>;

export const Diarization = z.object({
  durationMs: ms,
  /** The speaker-embedding model's identity: embeddings of different models are not comparable. */
  embedder: z.string(),
  speakers: z.array(DiarizationSpeaker),
  segments: z.array(z.object({ start: ms, end: ms, speaker: z.string().regex(/^S\d+$/) })),
  /** identify-speakers: the series folder whose library named the speakers. */
  library: z.object({ series: z.string(), matched: z.number().int().nonnegative(), added: z.number().int().nonnegative() }).optional(),
});
export type Diarization = z.infer<typeof Diarization>;
Object.assign(CAPABILITY_OUTPUT, { diarize: Diarization, 'identify-speakers': Diarization });
