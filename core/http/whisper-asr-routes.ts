/**
 * whisper-asr-webservice's API, as Bazarr's Whisper provider calls it:
 *   POST /asr?task=transcribe&language=en&output=srt&encode=false   (multipart `audio_file`)
 *   POST /detect-language?encode=false                              (multipart `audio_file`)
 * With encode=false the file is headerless 16 kHz mono s16le PCM (what Bazarr extracts with
 * ffmpeg); otherwise any media file. Answers are text/plain with an attachment name, as the
 * original's are, whatever the output format.
 */
import { Hono, type Context } from 'hono';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { languageCode } from '../../plugins/sdk/languages.js';
import type { TranscribeRequest, TranscriptionResult } from '../service/transcription.js';
import { errorResponse } from './error-response.js';
import type { TranscriptionDoor } from './transcription-routes.js';
import { transcriptText, whisperLanguageName, whisperSegments } from './whisper-segments.js';

const OUTPUTS = ['txt', 'vtt', 'srt', 'tsv', 'json'] as const;
type Output = (typeof OUTPUTS)[number];
/** How much speech /detect-language recognizes; Whisper too looks at 30 s. */
const DETECT_SPEECH_MS = 30_000;

const invalid = (message: string) => new DubarrError('E_INVALID_ARGUMENT', message);

function flag(c: Context, name: string, fallback: boolean): boolean {
  const v = c.req.query(name);
  if (v === undefined || v === '') return fallback;
  if (/^(true|1|yes|on)$/i.test(v)) return true;
  if (/^(false|0|no|off)$/i.test(v)) return false;
  throw invalid(`${name}: expected true or false, got '${v}'`);
}

function choice<T extends string>(c: Context, name: string, allowed: readonly T[], fallback: T): T {
  const v = c.req.query(name);
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw invalid(`${name}: expected one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

const inputOf = (c: Context): TranscribeRequest['input'] => (flag(c, 'encode', true) ? 'media' : 'pcm16k');

/**
 * task=translate asks for English text. Our recognizers give the text in the spoken language,
 * so English speech is answered as transcribed, and other speech is refused up front.
 */
function checkTranslate(task: string, language: string | undefined): void {
  if (task !== 'translate' || language === undefined) return;
  const code = languageCode(language === 'jw' ? 'jv' : language);
  if (code !== undefined && code !== 'en') {
    throw new DubarrError('E_LANGUAGE_UNSUPPORTED', `task=translate: translating ${whisperLanguageName(code) ?? language} speech into English is not offered here; `
      + 'ask for task=transcribe to get the text in its own language');
  }
}

function body(r: TranscriptionResult, output: Output, words: boolean): string {
  const t = r.transcript;
  switch (output) {
    case 'srt': case 'vtt': return r.subtitles!;
    case 'txt': return t.segments.map((s) => `${s.text.trim()}\n`).join('');
    case 'tsv': return `start\tend\ttext\n${t.segments.map((s) => `${Math.round(s.start)}\t${Math.round(s.end)}\t${s.text.trim().replace(/\t/g, ' ')}\n`).join('')}`;
    case 'json': return JSON.stringify({ text: transcriptText(t), segments: whisperSegments(t, words), language: r.language ?? null });
  }
}

export function whisperAsrRoutes(door: TranscriptionDoor): Hono {
  const app = new Hono();
  app.onError(errorResponse);

  app.post('/asr', async (c) => {
    const task = choice(c, 'task', ['transcribe', 'translate'] as const, 'transcribe');
    const output = choice(c, 'output', OUTPUTS, 'txt');
    const language = c.req.query('language') || undefined;
    const words = flag(c, 'word_timestamps', false);
    const input = inputOf(c);
    flag(c, 'vad_filter', false); // accepted: VAD always runs here
    checkTranslate(task, language);
    return door.withUpload(c.req.raw, 'audio_file', async (upload) => {
      const r = await door.service.transcribe({
        file: upload.file.path, input, language, signal: c.req.raw.signal,
        ...(output === 'srt' || output === 'vtt' ? { subtitles: output } : {}),
      });
      if (task === 'translate' && r.language !== undefined && r.language !== 'en') checkTranslate(task, r.language);
      const name = upload.file.filename ?? 'audio_file';
      return c.body(body(r, output, words), 200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="${encodeURIComponent(name)}.${output}"`,
        'asr-engine': `dubarr-${r.provider}`,
      });
    });
  });

  app.post('/detect-language', async (c) => {
    const input = inputOf(c);
    return door.withUpload(c.req.raw, 'audio_file', async (upload) => {
      const r = await door.service.transcribe({ file: upload.file.path, input, speechMs: DETECT_SPEECH_MS, signal: c.req.raw.signal });
      const { identifyTextLanguage } = await import('../../plugins/sdk/text-language.js');
      const guess = await identifyTextLanguage(r.transcript.segments.map((s) => s.text));
      // The text's language when it can be told; else the recognizer's own (with no confidence).
      const code = guess.language ?? r.language;
      if (code === undefined) throw new DubarrError('E_NO_SPEECH', 'No speech was recognized in the first 30 s of speech, so its language cannot be told');
      return c.json({ detected_language: whisperLanguageName(code) ?? code, language_code: code, confidence: guess.language ? guess.confidence : 0 });
    });
  });
  return app;
}
