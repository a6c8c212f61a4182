/**
 * Scribe's answer (words with start/end seconds, a speaker_id each, spacing and audio events
 * between them) as the Transcript every transcribe provider makes: words grouped into
 * segments that end where the speaker changes, at a pause, or after a sentence once a segment
 * is long, each with its speaker and word timestamps.
 */
import type { Transcript, TranscriptSegment, Word } from '../sdk/artifacts.js';
import { DubarrError } from '../sdk/errors.js';
import { lookupLanguage } from '../sdk/languages.js';

interface ScribeWord { text?: unknown; start?: unknown; end?: unknown; type?: unknown; speaker_id?: unknown; logprob?: unknown }

/** A silence this long between words starts a new segment, ms. */
const PAUSE_MS = 1000;
/** A segment this long ends at the next sentence end, ms; one twice as long ends at the next word. */
const LONG_MS = 8000;

export function scribeTranscript(json: unknown, model: string): Transcript {
  const body = (json ?? {}) as { words?: unknown; language_code?: unknown };
  if (!Array.isArray(body.words)) throw new DubarrError('E_PROVIDER_FAILED', 'elevenlabs: speech-to-text came back without a words list');
  const words = (body.words as ScribeWord[])
    .filter((w) => w.type === 'word' && typeof w.text === 'string' && w.text.trim() && typeof w.start === 'number' && typeof w.end === 'number')
    .map((w) => ({
      text: (w.text as string).trim(),
      start: Math.max(0, Math.round((w.start as number) * 1000)),
      end: Math.max(0, Math.round((w.end as number) * 1000)),
      speaker: typeof w.speaker_id === 'string' ? w.speaker_id : undefined,
      ...(typeof w.logprob === 'number' ? { confidence: Math.min(1, Math.max(0, Math.exp(w.logprob))) } : {}),
    }));
  const segments: TranscriptSegment[] = [];
  let current: typeof words = [];
  const flush = () => {
    if (!current.length) return;
    const first = current[0]!;
    const last = current.at(-1)!;
    const ws: Word[] = current.map((w) => ({ start: w.start, end: Math.max(w.start, w.end), text: w.text, ...(w.confidence !== undefined ? { confidence: w.confidence } : {}) }));
    segments.push({
      id: String(segments.length + 1),
      start: first.start,
      end: Math.max(first.start, last.end),
      text: current.map((w) => w.text).join(' '),
      words: ws,
      ...(first.speaker ? { speaker: first.speaker } : {}),
    });
    current = [];
  };
  for (const w of words) {
    const prev = current.at(-1);
    if (prev) {
      const length = prev.end - current[0]!.start;
      const sentenceEnd = /[.!?…。？！]["')\]]*$/.test(prev.text);
      if (w.speaker !== prev.speaker || w.start - prev.end >= PAUSE_MS || (sentenceEnd && length >= LONG_MS) || length >= 2 * LONG_MS) flush();
    }
    current.push(w);
  }
  flush();
  const language = lookupLanguage(body.language_code)?.code;
  return {
    ...(language ? { language } : {}),
    source: { kind: 'asr', provider: 'elevenlabs', detail: `ElevenLabs Scribe (${model}), diarized` },
    segments,
  };
}
