import { z } from 'zod';
import { Glossary } from '../sdk/glossary.js';
import { speakerHintsOption } from '../sdk/speaker-hints.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** The voices every OpenAI speech model has (tts-1, tts-1-hd, gpt-4o-mini-tts). */
export const OPENAI_VOICES = ['alloy', 'echo', 'fable', 'onyx', 'nova', 'shimmer'] as const;

/** How the client talks to the server: timeouts, retries and limits (provider-fetch.ts). */
const HttpOptions = z.object({
  /** Per attempt, from sending to the last byte; long audio uploads and slow local models need minutes. */
  timeoutMs: z.int().min(50).max(3_600_000).default(300_000),
  /** Attempts per request in all, the first included (a spending request is retried only when the server cannot have acted on it). */
  maxAttempts: z.int().min(1).max(10).default(4),
  /** First retry's longest random wait, doubled per retry up to maxDelayMs. */
  baseDelayMs: z.int().min(0).default(500),
  maxDelayMs: z.int().min(0).default(20_000),
  /** The longest wait a server may ask for (Retry-After and kin) inside the stage; a longer one hands the wait to the job's retry. */
  maxServerWaitMs: z.int().min(0).default(60_000),
  /** Requests in flight at once. */
  concurrency: z.int().min(1).max(64).default(4),
  /** Request starts per second; 0 for no limit. */
  requestsPerSecond: z.number().min(0).default(0),
});

export const OpenAIOptions = z.object({
  /** The API key, sent as a Bearer token. Local servers (Ollama, LM Studio, LocalAI, speaches) need none. Best set by env: DUBARR_PLUGINS_OPTIONS_OPENAI__API_KEY. */
  apiKey: z.string().min(1).optional(),
  /** The server's API root, up to and including /v1: http://localhost:11434/v1 for Ollama, http://localhost:1234/v1 for LM Studio. */
  baseUrl: z.url({ protocol: /^https?$/ }).default(OPENAI_BASE_URL),

  /** transcribe / source-text: a model that answers verbose_json with word and segment times (whisper-1; speaches: Systran/faster-whisper-*). */
  transcribeModel: z.string().min(1).default('whisper-1'),
  /** Audio sent per request, seconds (OpenAI takes files up to 25 MB: 16 kHz 16-bit mono is 32 kB/s, so at most ~800 s). */
  maxChunkSeconds: z.number().min(5).max(800).default(600),
  /** Audio kept around each VAD region, so word edges are not clipped. */
  vadPaddingMs: z.int().min(0).max(2000).default(200),
  /** Silence put between the speech regions packed into one upload; the long silences between them are not sent (nor paid for). */
  regionGapMs: z.int().min(100).max(5000).default(600),

  /** synthesize: the speech model (tts-1, tts-1-hd, gpt-4o-mini-tts, or a local server's). */
  speechModel: z.string().min(1).default('tts-1'),
  /** The main voice, for unlabelled speech and the first speaker. */
  speechVoice: z.string().min(1).default('alloy'),
  /** Voices for the other speakers, in order of preference. */
  voices: z.array(z.string().min(1)).default([...OPENAI_VOICES]),
  /** A voice per speaker label ({ Alice: { voice: nova } }); the voices carry no gender or age, so only `voice` narrows them. */
  speakers: speakerHintsOption,
  /** 'pcm' (raw 16-bit mono at pcmSampleRate, OpenAI's 24 kHz) or 'wav' for servers without raw PCM. */
  speechFormat: z.enum(['pcm', 'wav']).default('pcm'),
  pcmSampleRate: z.int().min(8000).max(48000).default(24_000),
  /** The server's speed at the normal pace (0.25-4); a line that overflows its slot is asked again faster, up to maxRate times this. */
  speechSpeed: z.number().min(0.25).max(4).default(1),
  maxRate: z.number().min(1).max(2).default(1.25),
  /** How to speak (gpt-4o-mini-tts only): 'calm, warm narration'. */
  speechInstructions: z.string().min(1).optional(),

  /** translate: the chat model (gpt-4o-mini; Ollama: 'qwen2.5:7b'; LM Studio: the loaded model's id). */
  translateModel: z.string().min(1).default('gpt-4o-mini'),
  /** How JSON is asked for: 'json_object' (OpenAI, Ollama), 'json_schema' (LM Studio accepts only this), 'off' (the prompt alone). */
  jsonMode: z.enum(['json_object', 'json_schema', 'off']).default('json_object'),
  /** Lines translated per request; their neighbours come along as context. */
  windowLines: z.int().min(1).max(100).default(20),
  /** Lines before and after a window sent as context (not translated). */
  contextLines: z.int().min(0).max(20).default(3),
  /** Sampling temperature; low keeps a re-run close. */
  temperature: z.number().min(0).max(2).default(0.2),
  /** Syllables per second a line's slot allows, for every target language; default: the language's usual speech rate. */
  syllablesPerSecond: z.number().min(1).max(15).optional(),
  /** Terms kept as-is or forced; a job's params.glossary wins per term. */
  glossary: Glossary.default([]),

  http: HttpOptions.default(HttpOptions.parse({})),
});
export type OpenAIOptions = z.infer<typeof OpenAIOptions>;

/** The host a user would recognise in a message, never a credential in the URL. */
export function serverName(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return 'the configured server';
  }
}

export function isOpenAIHost(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.endsWith('openai.com');
  } catch {
    return false;
  }
}
