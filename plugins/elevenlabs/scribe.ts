/**
 * One Scribe transcription (POST /v1/speech-to-text: diarized, word timestamps) of the extract
 * step's analysis track, bought once per audio content, model and language and kept in the
 * provider cache, so the transcribe, source-text and identify-language steps on the same audio
 * (and a retried job) pay for it once.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { paidCall } from '../sdk/cost.js';
import { DubarrError } from '../sdk/errors.js';
import type { StageContext, StageInput } from '../sdk/plugin.js';
import { ProviderResultCache } from '../sdk/provider-cache.js';
import { parseWavHeader } from '../sdk/wav.js';
import { elevenClient, PROVIDER } from './client.js';
import type { ElevenLabsOptions } from './options.js';

export interface ScribeAnswer { json: unknown; durationMs: number }

export async function scribeAudio(input: StageInput, ctx: StageContext, options: ElevenLabsOptions, language: string | undefined, stage: string): Promise<ScribeAnswer> {
  const path = input.inputs.audio?.files.audio;
  if (!path) throw new DubarrError('E_INVALID_ARGUMENT', `${stage} needs inputs.audio with files.audio (the extract step's WAV)`);
  const audio = await readFile(path).catch((e: unknown) => { throw new DubarrError('E_INPUT_NOT_FOUND', `${path}: cannot read (${(e as Error).message})`); });
  const info = parseWavHeader(audio, path);
  const seconds = Math.max(1, Math.ceil(info.durationMs / 1000));
  const client = elevenClient(options, ctx.signal);
  const cache = new ProviderResultCache(PROVIDER);
  const key = {
    kind: 'transcribe', text: createHash('sha256').update(audio).digest('hex'), voice: options.scribeModel,
    settings: { language, diarize: true, timestamps: 'word' },
  };
  const spend = { provider: PROVIDER, unit: 'audioSeconds' as const, product: options.scribeModel, quantity: seconds, what: `Scribe transcription of ${seconds} s` };
  ctx.progress(0.05, 'uploading to ElevenLabs Scribe');
  const { value, cached } = await cache.getOrCompute(key, () => paidCall(ctx.cost, spend, async () => {
    const form = new FormData();
    form.set('model_id', options.scribeModel);
    form.set('diarize', 'true');
    form.set('timestamps_granularity', 'word');
    form.set('tag_audio_events', 'false');
    if (language) form.set('language_code', language);
    form.append('file', new Blob([new Uint8Array(audio)], { type: 'audio/wav' }), 'audio.wav');
    const res = await client.request({ path: '/v1/speech-to-text', form, idempotent: false, expectJson: true });
    return JSON.stringify(res.json);
  }));
  if (cached) ctx.cost.reused(spend);
  return { json: JSON.parse(value.toString('utf8')), durationMs: info.durationMs };
}
