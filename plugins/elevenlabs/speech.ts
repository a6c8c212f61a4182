/**
 * One line of speech: POST /v1/text-to-speech/{voice_id}/with-timestamps with PCM output,
 * bought once per (text, voice, model, settings) and kept in the provider cache with its
 * request id and alignment, so a retried or resumed job, or a second run, pays nothing for it.
 */
import { paidCall, type CostMeter } from '../sdk/cost.js';
import { DubarrError } from '../sdk/errors.js';
import type { ProviderResultCache, UnitKey } from '../sdk/provider-cache.js';
import { PROVIDER, type ElevenClient } from './client.js';

export interface VoiceSettings {
  stability: number;
  similarity_boost: number;
  style: number;
  use_speaker_boost: boolean;
  speed: number;
}

export interface LineRequest {
  text: string;
  voice: string;
  model: string;
  outputFormat: 'pcm_24000' | 'pcm_44100';
  settings: VoiceSettings;
  /** Request ids of the lines spoken before / after it in the same voice (request stitching). */
  previousRequestIds?: string[];
  nextRequestIds?: string[];
}

export interface LineSpeech {
  /** The `request-id` header of the answer, for stitching the next line to this one. */
  requestId?: string;
  sampleRate: number;
  /** Mono s16le PCM. */
  pcm: Buffer;
  /** When the last character ends, seconds (from the alignment), and how many were aligned. */
  alignedSeconds?: number;
  alignedCharacters?: number;
}

interface CachedLine { requestId?: string; audio_base64: string; alignedSeconds?: number; alignedCharacters?: number }

/** What decides the audio: never the request ids (they differ per run) nor the key. */
export function lineKey(r: LineRequest): UnitKey {
  return { kind: 'speech', text: r.text, voice: r.voice, settings: { model: r.model, format: r.outputFormat, ...r.settings } };
}

export function sampleRateOf(format: LineRequest['outputFormat']): number {
  return Number(format.split('_')[1]);
}

export async function cachedLine(cache: ProviderResultCache, r: LineRequest): Promise<LineSpeech | undefined> {
  const hit = await cache.get(lineKey(r));
  return hit ? fromCached(JSON.parse(hit.toString('utf8')) as CachedLine, r) : undefined;
}

/** The line from the cache (reported as reused) or bought (reserved before the request, settled after). */
export async function speakLine(client: ElevenClient, cache: ProviderResultCache, cost: CostMeter, r: LineRequest, what: string): Promise<{ speech: LineSpeech; cached: boolean }> {
  const spend = { provider: PROVIDER, unit: 'characters' as const, quantity: [...r.text].length, what };
  const { value, cached } = await cache.getOrCompute(lineKey(r), () => paidCall(cost, spend, () => requestLine(client, r)));
  if (cached) cost.reused(spend);
  return { speech: fromCached(JSON.parse(value.toString('utf8')) as CachedLine, r), cached };
}

async function requestLine(client: ElevenClient, r: LineRequest): Promise<string> {
  const res = await client.request({
    path: `/v1/text-to-speech/${encodeURIComponent(r.voice)}/with-timestamps?output_format=${r.outputFormat}`,
    json: {
      text: r.text,
      model_id: r.model,
      voice_settings: r.settings,
      ...(r.previousRequestIds?.length ? { previous_request_ids: r.previousRequestIds.slice(-3) } : {}),
      ...(r.nextRequestIds?.length ? { next_request_ids: r.nextRequestIds.slice(0, 3) } : {}),
    },
    idempotent: false,
    expectJson: true,
  });
  const body = res.json as { audio_base64?: unknown; alignment?: { character_end_times_seconds?: unknown; characters?: unknown } | null };
  if (typeof body.audio_base64 !== 'string') throw new DubarrError('E_PROVIDER_FAILED', 'elevenlabs: text-to-speech came back without audio_base64');
  const ends = body.alignment?.character_end_times_seconds;
  const line: CachedLine = {
    audio_base64: body.audio_base64,
    ...(res.headers.get('request-id') ? { requestId: res.headers.get('request-id')! } : {}),
    ...(Array.isArray(ends) && ends.length && typeof ends.at(-1) === 'number' ? { alignedSeconds: ends.at(-1) as number, alignedCharacters: ends.length } : {}),
  };
  return JSON.stringify(line);
}

function fromCached(c: CachedLine, r: LineRequest): LineSpeech {
  const pcm = Buffer.from(c.audio_base64, 'base64');
  if (pcm.length % 2 !== 0) throw new DubarrError('E_PROVIDER_FAILED', `elevenlabs: the ${r.outputFormat} audio of a line has an odd number of bytes, so it is not 16-bit PCM`);
  return { requestId: c.requestId, sampleRate: sampleRateOf(r.outputFormat), pcm, alignedSeconds: c.alignedSeconds, alignedCharacters: c.alignedCharacters };
}

/** s16le bytes as float samples in [-1, 1). */
export function pcmToFloat(pcm: Buffer): Float32Array {
  const out = new Float32Array(pcm.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2) / 32768;
  return out;
}
