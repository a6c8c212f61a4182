/**
 * OpenAI's speech-to-text API, POST /v1/audio/transcriptions, for clients written against it
 * (the openai SDKs with a baseURL, and tools built on them). Multipart fields: `file`,
 * `model`, `language`, `prompt`, `response_format` (json, text, srt, verbose_json, vtt),
 * `temperature`, `timestamp_granularities[]` (word, segment). Errors come in OpenAI's shape,
 * {error: {message, type, param, code}}, with `code` our error code.
 */
import { Hono, type Context } from 'hono';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { TranscriptionService } from '../service/transcription.js';
import type { MultipartUpload } from './multipart-upload.js';
import type { TranscriptionDoor } from './transcription-routes.js';
import { transcriptText, whisperLanguageName, whisperSegments, whisperWords } from './whisper-segments.js';

const FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
type Format = (typeof FORMATS)[number];
const GRANULARITIES = ['word', 'segment'] as const;

/** A bad parameter, naming it in OpenAI's `param`. */
class ParamError extends DubarrError {
  constructor(readonly param: string, message: string) { super('E_INVALID_ARGUMENT', message); }
}

/** OpenAI's error body. 422 (our "the content is wrong") is 400 there: an invalid request. */
export function openAiError(e: unknown, c: Context): Response {
  const err = DubarrError.from(e);
  const status = err.status === 422 ? 400 : err.status;
  return c.json({
    error: {
      message: `${err.message}${err.hint ? ` (${err.hint})` : ''}`,
      type: status >= 500 ? 'server_error' : 'invalid_request_error',
      param: err instanceof ParamError ? err.param : null,
      code: err.code,
    },
  }, status as 400);
}

const field = (u: MultipartUpload, name: string): string | undefined => u.fields.get(name)?.at(-1);

interface Parameters { provider?: string; language?: string; format: Format; granularities: Set<string> }

/**
 * `model` is required, as OpenAI requires it; any name is accepted. A model named after an
 * installed transcribe provider ('pocketsphinx') chooses it; other names ('whisper-1') get the
 * configured one (providers.preference).
 */
function parameters(u: MultipartUpload, service: TranscriptionService): Parameters {
  const model = field(u, 'model');
  if (!model) throw new ParamError('model', 'you must provide a model parameter');
  const format = (field(u, 'response_format') || 'json') as Format;
  if (!FORMATS.includes(format)) throw new ParamError('response_format', `response_format: expected one of ${FORMATS.join(', ')}, got '${format}'`);
  const temperature = field(u, 'temperature');
  if (temperature !== undefined && temperature !== '' && !(Number(temperature) >= 0 && Number(temperature) <= 1)) {
    throw new ParamError('temperature', `temperature: expected a number from 0 to 1, got '${temperature}'`);
  }
  const granularities = new Set([...(u.fields.get('timestamp_granularities[]') ?? []), ...(u.fields.get('timestamp_granularities') ?? [])]);
  for (const g of granularities) {
    if (!(GRANULARITIES as readonly string[]).includes(g)) throw new ParamError('timestamp_granularities', `timestamp_granularities: expected word or segment, got '${g}'`);
  }
  const provider = service.transcribeProviders().includes(model) ? model : undefined;
  return { provider, language: field(u, 'language') || undefined, format, granularities };
}

export function openAiTranscriptionRoutes(door: TranscriptionDoor): Hono {
  const app = new Hono();
  app.onError(openAiError);
  app.post('/v1/audio/transcriptions', (c) => door.withUpload(c.req.raw, 'file', async (upload) => {
    const p = parameters(upload, door.service);
    const r = await door.service.transcribe({
      file: upload.file.path, input: 'media', language: p.language, provider: p.provider, signal: c.req.raw.signal,
      ...(p.format === 'srt' || p.format === 'vtt' ? { subtitles: p.format } : {}),
    });
    const text = transcriptText(r.transcript);
    const plain = { 'content-type': 'text/plain; charset=utf-8' };
    switch (p.format) {
      case 'json': return c.json({ text });
      case 'text': return c.body(`${text}\n`, 200, plain);
      case 'srt': case 'vtt': return c.body(r.subtitles!, 200, plain);
      case 'verbose_json': {
        // Segments unless only words were asked for (OpenAI's default granularity is segment).
        const segments = p.granularities.size === 0 || p.granularities.has('segment');
        return c.json({
          task: 'transcribe',
          language: whisperLanguageName(r.language) ?? r.language ?? null,
          duration: r.durationMs / 1000,
          text,
          ...(segments ? { segments: whisperSegments(r.transcript, false) } : {}),
          ...(p.granularities.has('word') ? { words: r.transcript.segments.flatMap((s) => whisperWords(s).map(({ word, start, end }) => ({ word, start, end }))) } : {}),
        });
      }
    }
  }));
  return app;
}
