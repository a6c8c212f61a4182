/**
 * openai:transcribe and openai:source-text — speech to a Transcript with segment and word times
 * through POST /audio/transcriptions (verbose_json, word and segment granularities), the speech
 * regions packed into uploads of at most maxChunkSeconds (audio-chunks.ts), the answers' times
 * mapped back onto the track. Each upload is paid for once: its answer is kept per unit, keyed
 * by the audio sent, so a resumed job sends only the uploads not yet answered.
 */
import { createHash } from 'node:crypto';
import {
  defineStage, DubarrError, languageParam, lookupLanguage, optionalDocument, parseOptions, paidCall, ProviderResultCache,
  SpeechSegments, throwIfCancelled, type Spend, type Transcript, type TranscriptSegment,
} from '../sdk/index.js';
import { encodeWav } from '../sdk/wav.js';
import { WavReader } from '../sdk/wav-stream.js';
import { openaiApi, PROVIDER } from './api.js';
import { planChunks, type Chunk } from './audio-chunks.js';
import { OpenAIOptions, serverName } from './options.js';
import { answerLanguage, billedSeconds, readTranscription, trackSegments, type VerboseTranscription } from './transcription-answer.js';

/** OpenAI's upload limit. */
const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export default defineStage<unknown, Transcript>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const o = parseOptions(OpenAIOptions, input, 'openai');
  const vad = optionalDocument(SpeechSegments, input, 'vad', 'a SpeechSegments document');
  const path = input.inputs.audio?.files.audio;
  if (!path) throw new DubarrError('E_INVALID_ARGUMENT', 'openai:transcribe needs inputs.audio with files.audio (a PCM WAV: the extract step\'s analysis track)');
  const language = lookupLanguage(languageParam(input, 'sourceLanguage'))?.code;
  const reader = await WavReader.open(path);
  try {
    const chunks = planChunks(reader.info.durationMs, vad, { maxChunkMs: o.maxChunkSeconds * 1000, paddingMs: o.vadPaddingMs, gapMs: o.regionGapMs });
    const sentMs = chunks.reduce((a, c) => a + c.durationMs, 0);
    ctx.progress(0, `${chunks.length} upload(s), ${(sentMs / 1000).toFixed(1)} s of audio`);
    const api = openaiApi(o, ctx);
    const cache = new ProviderResultCache(PROVIDER);
    const where = `openai: POST ${serverName(o.baseUrl)}/audio/transcriptions`;

    const segments: Array<Omit<TranscriptSegment, 'id'>> = [];
    const languages: string[] = [];
    let reused = 0;
    for (const [k, chunk] of chunks.entries()) {
      throwIfCancelled(ctx);
      const wav = await chunkWav(reader, chunk);
      if (wav.length > MAX_UPLOAD_BYTES) {
        throw new DubarrError('E_INVALID_ARGUMENT', `an upload of ${(chunk.durationMs / 1000).toFixed(0)} s is ${(wav.length / 1048576).toFixed(1)} MB, over the 25 MB servers take: lower plugins.options.openai.maxChunkSeconds`);
      }
      const spend: Spend = {
        provider: PROVIDER, unit: 'audioSeconds', product: o.transcribeModel, quantity: chunk.durationMs / 1000,
        what: `transcribe upload ${k + 1} of ${chunks.length} (${(chunk.durationMs / 1000).toFixed(1)} s)`,
      };
      const key = {
        kind: 'transcribe', text: createHash('sha256').update(wav).digest('hex'), voice: o.transcribeModel,
        settings: { language: language ?? null, format: 'verbose_json', granularities: ['word', 'segment'] },
      };
      const { value, cached } = await cache.getOrCompute(key, async () => {
        const json = await paidCall(ctx.cost, spend, async () => (await api.postForm('/audio/transcriptions', uploadForm(wav, o.transcribeModel, language))).json,
          (j) => billedSeconds(j as VerboseTranscription));
        return JSON.stringify(readTranscription(json, where));
      });
      if (cached) { ctx.cost.reused(spend); reused++; }
      const answer = readTranscription(JSON.parse(value.toString('utf8')), where);
      segments.push(...trackSegments(answer, chunk));
      const heard = answerLanguage(answer);
      if (heard) languages.push(heard);
      ctx.progress((k + 1) / chunks.length, `upload ${k + 1} of ${chunks.length} transcribed${cached ? ' (already paid for)' : ''}`);
    }
    throwIfCancelled(ctx);
    if (segments.length === 0) ctx.log.warn('the transcription server heard no speech in the audio');
    const detected = language ?? mostCommon(languages);
    ctx.log.info({ uploads: chunks.length, reused, sentSeconds: sentMs / 1000, model: o.transcribeModel }, 'openai transcribed');
    return {
      data: {
        ...(detected ? { language: detected } : {}),
        source: {
          kind: 'asr', provider: PROVIDER,
          detail: `${o.transcribeModel} at ${serverName(o.baseUrl)}, ${vad ? 'speech regions' : 'whole track'}, ${chunks.length} upload(s), ${(sentMs / 1000).toFixed(1)} s sent`,
        },
        segments: segments
          .sort((a, b) => a.start - b.start)
          .map((s, i) => ({ id: `s${String(i + 1).padStart(4, '0')}`, ...s })),
      },
    };
  } finally {
    await reader.close();
  }
});

/** The upload's audio: its pieces of the track with silence between, as 16-bit WAV at the track's rate. */
async function chunkWav(reader: WavReader, chunk: Chunk): Promise<Buffer> {
  const rate = reader.info.sampleRate;
  const frame = (ms: number) => Math.round((ms * rate) / 1000);
  const out = new Float32Array(frame(chunk.durationMs));
  for (const p of chunk.pieces) {
    const samples = await reader.readMono(frame(p.sourceStart), frame(p.sourceEnd) - frame(p.sourceStart));
    out.set(samples.subarray(0, Math.max(0, out.length - frame(p.chunkStart))), frame(p.chunkStart));
  }
  return encodeWav({ sampleRate: rate, channels: [out] });
}

function uploadForm(wav: Buffer, model: string, language: string | undefined): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'audio.wav');
  form.append('model', model);
  form.append('response_format', 'verbose_json');
  form.append('timestamp_granularities[]', 'word');
  form.append('timestamp_granularities[]', 'segment');
  if (language) form.append('language', language);
  return form;
}

function mostCommon(xs: readonly string[]): string | undefined {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1])[0]?.[0];
}
