import { z } from 'zod';
import { LipsyncSettings } from '../sdk/lipsync-stage.js';

/** 'owner/name' (the model's latest version) or 'owner/name:version' (a pinned version). */
const modelRef = z.string().regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*(:[0-9a-f]{8,64})?$/i,
  "a Replicate model as 'owner/name' or 'owner/name:version'");

/** A model input name, or '' when the model has no such input (it is then not sent). */
const inputName = z.string().regex(/^$|^[A-Za-z_][A-Za-z0-9_]*$/, 'an input name of the model (letters, digits, _), or "" for none');

/** What a prediction is billed by in the job's cost ledger (budget.prices.replicate.<unit>). */
const billing = {
  /**
   * 'predictSeconds': the model's run time (metrics.predict_time), as Replicate bills models on
   * public hardware; 'predictions': one a run, for models priced per output.
   */
  billedBy: z.enum(['predictSeconds', 'predictions']).default('predictSeconds'),
  /** Run time reserved against the budget before a prediction starts, seconds; settled with what it took. */
  estimateSeconds: z.number().positive().max(3600),
};

export const MusicOptions = z.object({
  /** A MusicGen-class model: the bed is generated from the plan's prompt. */
  model: modelRef.default('meta/musicgen'),
  /** Our fields -> the model's input names (checked against its schema when online). */
  input: z.object({
    prompt: inputName.default('prompt'),
    /** Seconds of music asked for (whole seconds, at most maxSeconds). */
    duration: inputName.default('duration'),
  }).prefault({}),
  /** Fixed inputs sent with every prediction, by the model's own names (e.g. { output_format: 'wav' }). */
  extra: z.record(z.string(), z.unknown()).default({}),
  /** The longest piece the model makes; a longer bed loops it with a crossfade. */
  maxSeconds: z.number().int().min(1).max(600).default(30),
  /** Crossfade between loops of a short piece, ms. */
  crossfadeMs: z.number().int().min(0).max(10_000).default(1500),
  ...billing,
  estimateSeconds: billing.estimateSeconds.default(40),
});
export type MusicOptions = z.infer<typeof MusicOptions>;

export const VideoOptions = z.object({
  /** A text/image-to-video model (Wan, Kling, MiniMax class). */
  model: modelRef.default('minimax/video-01'),
  input: z.object({
    prompt: inputName.default('prompt'),
    /** Seconds asked for; '' for models with a fixed clip length. */
    duration: inputName.default(''),
    /** The still to start from (uploaded through /v1/files). */
    image: inputName.default('first_frame_image'),
    seed: inputName.default(''),
  }).prefault({}),
  extra: z.record(z.string(), z.unknown()).default({}),
  /** Clip lengths the model takes, seconds: the asked duration is rounded up into this range. */
  minSeconds: z.number().int().min(1).max(600).default(5),
  maxSeconds: z.number().int().min(1).max(600).default(10),
  /** x264 quality of the fitted clip (lower is better and larger). */
  crf: z.number().int().min(0).max(51).default(20),
  ...billing,
  estimateSeconds: billing.estimateSeconds.default(240),
});
export type VideoOptions = z.infer<typeof VideoOptions>;

/**
 * The lip-sync step: the face search and splice settings (LipsyncSettings) and the model that
 * re-renders each span's mouth to the dub (a LatentSync / Wav2Lip class model taking a video
 * and an audio file).
 */
export const LipsyncOptions = LipsyncSettings.extend({
  model: modelRef.default('bytedance/latentsync'),
  input: z.object({
    video: inputName.default('video'),
    audio: inputName.default('audio'),
  }).prefault({}),
  extra: z.record(z.string(), z.unknown()).default({}),
  ...billing,
  estimateSeconds: billing.estimateSeconds.default(120),
});
export type LipsyncOptions = z.infer<typeof LipsyncOptions>;

export const ReplicateOptions = z.object({
  /** API token (r8_...). Keep it out of files: DUBARR_PLUGINS_OPTIONS_REPLICATE__API_KEY. */
  apiKey: z.string().min(1).optional(),
  /** The API's root; a compatible or test server's when set. */
  baseUrl: z.string().url().default('https://api.replicate.com'),
  /** How long a create holds the answer for a finished prediction (Prefer: wait=N), seconds. */
  waitSeconds: z.number().int().min(1).max(60).default(60),
  /** Between polls of an unfinished prediction, ms. */
  pollIntervalMs: z.number().int().min(10).max(600_000).default(2000),
  /**
   * Where Replicate sends the finished prediction: dubarr's POST /hooks/replicate as the
   * internet reaches it (https://dubarr.example.org/hooks/replicate?token=<hooks.token>). Set, a
   * stage waits for the delivery instead of polling, and polls every webhookPollSeconds anyway.
   */
  webhookUrl: z.string().url().optional(),
  /** The account's webhook signing secret (whsec_...); default: read once from GET /v1/webhooks/default/secret. */
  webhookSecret: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, "the signing secret as Replicate gives it: 'whsec_' + base64").optional(),
  webhookPollSeconds: z.number().int().min(1).max(3600).default(60),
  /** Check the configured input names against the model's published schema before paying. */
  checkSchema: z.boolean().default(true),
  /** Per HTTP attempt, ms (a create also gets waitSeconds on top). */
  timeoutMs: z.number().int().min(10).max(600_000).default(60_000),
  maxAttempts: z.number().int().min(1).max(10).default(4),
  /** Requests in flight at once. */
  concurrency: z.number().int().min(1).max(64).default(4),
  music: MusicOptions.prefault({}),
  video: VideoOptions.prefault({}),
  lipsync: LipsyncOptions.prefault({}),
});
export type ReplicateOptions = z.infer<typeof ReplicateOptions>;
