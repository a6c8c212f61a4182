/**
 * The verbose_json answer of /audio/transcriptions (OpenAI's documented shape, which speaches,
 * LocalAI and faster-whisper servers follow): `language` (a name such as 'english'),
 * `duration` (s), `text`, `segments[]` {start, end, text, avg_logprob, no_speech_prob, ...} and
 * `words[]` {word, start, end}; some servers put the words inside each segment instead.
 * Read leniently (fields we do not use are ignored), mapped onto the track through the upload's
 * piece map.
 */
import { z } from 'zod';
import { DubarrError, lookupLanguage, type TranscriptSegment, type Word } from '../sdk/index.js';
import { trackTime, type Chunk } from './audio-chunks.js';

const WordJson = z.object({ word: z.string(), start: z.number(), end: z.number() });
const SegmentJson = z.object({
  start: z.number(),
  end: z.number(),
  text: z.string(),
  avg_logprob: z.number().optional(),
  no_speech_prob: z.number().optional(),
  words: z.array(WordJson).optional(),
});
export const VerboseTranscription = z.object({
  language: z.string().optional(),
  duration: z.number().optional(),
  text: z.string(),
  segments: z.array(SegmentJson).optional(),
  words: z.array(WordJson).optional(),
  usage: z.object({ type: z.string(), seconds: z.number().optional() }).optional(),
});
export type VerboseTranscription = z.infer<typeof VerboseTranscription>;

export function readTranscription(json: unknown, where: string): VerboseTranscription {
  const r = VerboseTranscription.safeParse(json);
  if (!r.success) {
    throw new DubarrError('E_PROVIDER_FAILED', `${where} answered JSON that is not a verbose_json transcription (${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}); check that transcribeModel supports response_format verbose_json (whisper-1 does; gpt-4o-transcribe does not)`);
  }
  return r.data;
}

/** The seconds the server says it billed: usage.seconds, else duration. */
export function billedSeconds(t: VerboseTranscription): number | undefined {
  return t.usage?.type === 'duration' && t.usage.seconds !== undefined ? t.usage.seconds : t.duration;
}

/** ISO 639-1 of the answer's language ('english' or 'en'), when it names one. */
export function answerLanguage(t: VerboseTranscription): string | undefined {
  return lookupLanguage(t.language)?.code;
}

/**
 * The answer's segments on the track, words included: a segment's own words, else the
 * top-level words whose middle falls inside it (words outside every segment go to the nearest).
 */
export function trackSegments(t: VerboseTranscription, chunk: Chunk): Array<Omit<TranscriptSegment, 'id'>> {
  const segs = (t.segments ?? []).filter((s) => s.text.trim() !== '');
  if (segs.length === 0) {
    // A server that answered text alone: one segment over the whole upload.
    const text = t.text.trim();
    return text ? [{ start: trackTime(chunk, 0), end: trackTime(chunk, chunk.durationMs), text }] : [];
  }
  const wordsOf: Array<z.infer<typeof WordJson>[]> = segs.map((s) => [...(s.words ?? [])]);
  if (segs.every((s) => !s.words) && t.words) {
    for (const w of t.words) {
      const mid = (w.start + w.end) / 2;
      let best = 0;
      let bestDist = Infinity;
      segs.forEach((s, i) => {
        const d = mid < s.start ? s.start - mid : mid > s.end ? mid - s.end : 0;
        if (d < bestDist) { bestDist = d; best = i; }
      });
      wordsOf[best]!.push(w);
    }
  }
  const at = (s: number) => trackTime(chunk, Math.max(0, s * 1000));
  return segs.map((s, i) => {
    const start = at(s.start);
    const end = Math.max(start, at(s.end));
    const words: Word[] = wordsOf[i]!
      .filter((w) => w.word.trim() !== '')
      .map((w) => {
        const ws = at(w.start);
        return { start: ws, end: Math.max(ws, at(w.end)), text: w.word.trim() };
      });
    const confidence = s.avg_logprob === undefined ? undefined : Math.min(1, Math.max(0, Math.exp(s.avg_logprob)));
    return { start, end, text: s.text.trim(), ...(words.length ? { words } : {}), ...(confidence === undefined ? {} : { confidence }) };
  });
}
