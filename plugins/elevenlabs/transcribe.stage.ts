/**
 * elevenlabs:transcribe and elevenlabs:source-text — ElevenLabs Scribe (POST
 * /v1/speech-to-text): the extract step's analysis track uploaded once, diarized, with word
 * timestamps, as a Transcript with speakers (scribe-transcript.ts). Billed by audio seconds;
 * the answer is kept in the provider cache by the audio's content, so a retried job or the
 * other step reading the same audio pays nothing more.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DubarrError, defineStage, languageParam, parseOptions, throwIfCancelled, type Transcript } from '../sdk/index.js';
import { paidCall } from '../sdk/cost.js';
import { ProviderResultCache } from '../sdk/provider-cache.js';
import { parseWavHeader } from '../sdk/wav.js';
import { elevenClient, PROVIDER } from './client.js';
import { ElevenLabsOptions } from './options.js';
import { scribeTranscript } from './scribe-transcript.js';

export default defineStage<unknown, Transcript>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(ElevenLabsOptions, input, 'elevenlabs');
  const path = input.inputs.audio?.files.audio;
  if (!path) throw new DubarrError('E_INVALID_ARGUMENT', 'elevenlabs:transcribe needs inputs.audio with files.audio (the extract step\'s WAV)');
  const audio = await readFile(path).catch((e: unknown) => { throw new DubarrError('E_INPUT_NOT_FOUND', `${path}: cannot read (${(e as Error).message})`); });
  const info = parseWavHeader(audio, path);
  const seconds = Math.max(1, Math.ceil(info.durationMs / 1000));
  const language = languageParam(input, 'sourceLanguage');
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
  const transcript = scribeTranscript(JSON.parse(value.toString('utf8')), options.scribeModel);
  ctx.progress(1, `${transcript.segments.length} segments`);
  return { data: transcript };
});
