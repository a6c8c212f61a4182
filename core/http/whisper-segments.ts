/**
 * A Transcript in Whisper's result shape, which both whisper-asr-webservice's `output=json` and
 * OpenAI's `verbose_json` carry. Times are seconds. Fields that only Whisper's decoder knows are
 * filled as near as our providers allow (documented in the README's "Transcription endpoints"):
 * `tokens` is empty (no tokenizer), `temperature` 0 (no sampling), `avg_logprob` the log of the
 * provider's mean word confidence, `no_speech_prob` 0 (the segment lies in speech VAD found),
 * `compression_ratio` computed as Whisper does (text bytes over their zlib size).
 */
import { deflateSync } from 'node:zlib';
import type { Transcript } from '../../plugins/sdk/artifacts.js';
import { lookupLanguage } from '../../plugins/sdk/languages.js';

export interface WhisperWord { word: string; start: number; end: number; probability?: number }

export interface WhisperSegment {
  id: number;
  seek: number;
  start: number;
  end: number;
  text: string;
  tokens: number[];
  temperature: number;
  avg_logprob: number;
  compression_ratio: number;
  no_speech_prob: number;
  words?: WhisperWord[];
}

const seconds = (ms: number) => Math.round(ms) / 1000;

export function whisperSegments(t: Transcript, withWords: boolean): WhisperSegment[] {
  return t.segments.map((s, i) => ({
    id: i,
    // Whisper's seek is the start of the 30 s window, in 10 ms frames; each segment is its own window here.
    seek: Math.round(s.start / 10),
    start: seconds(s.start),
    end: seconds(s.end),
    text: s.text,
    tokens: [],
    temperature: 0,
    avg_logprob: s.confidence ? round(Math.log(s.confidence)) : 0,
    compression_ratio: compressionRatio(s.text),
    no_speech_prob: 0,
    ...(withWords ? { words: whisperWords(t.segments[i]!) } : {}),
  }));
}

export function whisperWords(s: Transcript['segments'][number]): WhisperWord[] {
  return (s.words ?? []).map((w) => ({
    word: w.text, start: seconds(w.start), end: seconds(w.end), ...(w.confidence === undefined ? {} : { probability: w.confidence }),
  }));
}

/** The whole text: the segments' texts, space-separated. */
export const transcriptText = (t: Transcript): string => t.segments.map((s) => s.text.trim()).filter(Boolean).join(' ');

/** Whisper names languages by their lower-case English name ('english'). */
export function whisperLanguageName(code: string | undefined): string | undefined {
  return code === undefined ? undefined : lookupLanguage(code)?.name.toLowerCase();
}

function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length === 0 ? 0 : round(bytes.length / deflateSync(bytes).length);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
