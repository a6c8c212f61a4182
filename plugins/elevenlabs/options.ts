import { z } from 'zod';
import { speakerHintsOption } from '../sdk/speaker-hints.js';

/** ElevenLabs' own bounds of voice_settings.speed. */
export const MIN_SPEED = 0.7;
export const MAX_SPEED = 1.2;

export const ElevenLabsOptions = z.object({
  /** The account's API key (sent as xi-api-key); better set through DUBARR_PLUGINS_OPTIONS_ELEVENLABS__API_KEY. */
  apiKey: z.string().min(1).optional(),
  /** The API's root; another host speaks the same API (a proxy, a regional endpoint, a test server). */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.elevenlabs.io'),
  /** Text-to-speech model. */
  model: z.string().min(1).default('eleven_multilingual_v2'),
  /** PCM the voices come back in (24 kHz is every plan's; 44.1 kHz needs a Pro plan). */
  outputFormat: z.enum(['pcm_24000', 'pcm_44100']).default('pcm_24000'),
  /** The voice for speech with no speaker, and first in line for casting (a voice_id). Default: the account's first voice. */
  voice: z.string().min(1).optional(),
  /** Known speakers: gender, age or a voice (a voice_id), by speaker label. */
  speakers: speakerHintsOption,
  /** voice_settings sent with every line (speed is set per line from its slot). */
  stability: z.number().min(0).max(1).default(0.5),
  similarityBoost: z.number().min(0).max(1).default(0.75),
  style: z.number().min(0).max(1).default(0),
  useSpeakerBoost: z.boolean().default(true),
  /** Base speaking speed (voice_settings.speed; ElevenLabs allows 0.7 to 1.2). */
  speed: z.number().min(MIN_SPEED).max(MAX_SPEED).default(1),
  /**
   * Fastest speed (× speed, capped at 1.2) a line is asked for when the voice's measured
   * reading speed says it would overflow its slot. Lines are bought once: what still
   * overflows is left to the fit stage.
   */
  maxRate: z.number().min(1).max(MAX_SPEED / MIN_SPEED).default(1.2),
  /** Pass the previous line's request id of the same voice (request stitching), for prosody across lines. */
  stitching: z.boolean().default(true),
  /**
   * Make an instant voice clone of each speaker from the source's own speech and speak their
   * lines with it. Only for voices you have the right to clone (your own, or with the
   * speaker's consent); off by default.
   */
  allowCloning: z.boolean().default(false),
  /** Seconds of a speaker's longest clean lines sent for a clone (ElevenLabs wants 1 to 2 minutes at best). */
  cloneSeconds: z.number().min(10).max(300).default(90),
  /** Scribe's model for transcription. */
  scribeModel: z.string().min(1).default('scribe_v1'),
  /** Requests in flight at once (ElevenLabs' plans allow 2 on Free up to 15 on Scale). */
  concurrency: z.number().int().min(1).max(15).default(2),
  /** Per request, ms (a long line or a whole Scribe upload included). */
  timeoutMs: z.number().int().min(1000).max(900_000).default(120_000),
  /** Attempts per request, the first included. */
  maxAttempts: z.number().int().min(1).max(10).default(4),
  /** Dubbing: seconds between polls of a dubbing's status, and the longest wait for it in all. */
  pollSeconds: z.number().min(0).max(600).default(10),
  maxWaitMinutes: z.number().min(0).max(24 * 60).default(120),
});
export type ElevenLabsOptions = z.infer<typeof ElevenLabsOptions>;
