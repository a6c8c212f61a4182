/**
 * Whisper over a whole track: the speech spans (speech-spans.ts) walked in windows of at most
 * 30 s read from the WAV as they are needed (memory stays at one window whatever the length),
 * each window's log-mel, one encoder pass, the decoding with fallback (window-decode.ts), the
 * segments cut at its timestamps and its words timed; the language given, or detected first.
 */
import { throwIfCancelled, type Cancellation, type TranscriptSegment } from '../sdk/index.js';
import type { WavReader } from '../sdk/wav-stream.js';
import { groupWords, tokenStartFrames, wordsByLength } from './alignment.js';
import { encode } from './decode-loop.js';
import { combineLanguages, windowLanguages, type WindowLanguages } from './language-id.js';
import { LogMel, SAMPLE_RATE, WINDOW_SAMPLES } from './log-mel.js';
import { cutSegments, TIMESTAMP_MS } from './segments.js';
import { MAX_WINDOW_MS, type Span } from './speech-spans.js';
import { decodeWindow, type FallbackOptions } from './window-decode.js';
import type { WhisperRuntime } from './whisper-runtime.js';

export interface TranscribeRequest extends FallbackOptions {
  /** The model's language code, or undefined to detect it. */
  language: string | undefined;
  wordTimestamps: boolean;
  languageWindows: number;
  cancel: Cancellation;
  progress(fraction: number, note?: string): void;
}

export interface TranscribeResult {
  /** The model's code; undefined when none was given and there was no speech to detect it from. */
  language: string | undefined;
  detected?: Array<{ language: string; confidence: number }>;
  segments: TranscriptSegment[];
  windows: number;
  /** Windows kept at a temperature above the first. */
  fallbacks: number;
  /** Windows dropped as no speech. */
  skipped: number;
  /** Time spent computing features, ms. */
  melMs: number;
}

export class WindowReader {
  private readonly mel: LogMel;
  private readonly buf = new Float32Array(WINDOW_SAMPLES);
  melMs = 0;

  constructor(private readonly wav: WavReader, nMels: number) {
    this.mel = new LogMel(nMels);
  }

  /** Features of [startMs, endMs) (at most 30 s). */
  async features(startMs: number, endMs: number): Promise<Float32Array> {
    const from = Math.round((startMs * SAMPLE_RATE) / 1000);
    const count = Math.min(WINDOW_SAMPLES, Math.round((endMs * SAMPLE_RATE) / 1000) - from);
    const samples = await this.wav.readMono(from, count, this.buf);
    const t0 = performance.now();
    const f = this.mel.compute(samples);
    this.melMs += performance.now() - t0;
    return f;
  }
}

/** The language by Whisper's head over the first window of up to `count` spans. */
export async function detectLanguage(rt: WhisperRuntime, reader: WindowReader, spans: readonly Span[], count: number, cancel: Cancellation) {
  const verdicts: WindowLanguages[] = [];
  for (const s of spans.slice(0, count)) {
    throwIfCancelled(cancel);
    const encoded = await encode(rt, await reader.features(s.start, Math.min(s.end, s.start + MAX_WINDOW_MS)));
    verdicts.push(await windowLanguages(rt, encoded));
  }
  const sampleMs = spans.slice(0, count).reduce((n, s) => n + Math.min(MAX_WINDOW_MS, s.end - s.start), 0);
  return { candidates: combineLanguages(verdicts), sampleMs };
}

export async function transcribe(rt: WhisperRuntime, reader: WindowReader, spans: readonly Span[], r: TranscribeRequest): Promise<TranscribeResult> {
  const c = rt.config;
  let language = r.language;
  let detected: TranscribeResult['detected'];
  if (!c.multilingual) language = 'en';
  else if (!language) {
    if (spans.length === 0) return { language: undefined, segments: [], windows: 0, fallbacks: 0, skipped: 0, melMs: 0 };
    detected = (await detectLanguage(rt, reader, spans, r.languageWindows, r.cancel)).candidates;
    language = detected[0]!.language;
  }
  const prompt = c.multilingual ? [c.sot, c.languages.get(language)!, ...(c.transcribe !== undefined ? [c.transcribe] : [])] : [c.sot];
  const timestamps = true;
  const total = spans.reduce((n, s) => n + s.end - s.start, 0) || 1;
  let done = 0;
  const out: Array<Omit<TranscriptSegment, 'id'>> = [];
  let windows = 0, fallbacks = 0, skipped = 0;
  for (const span of spans) {
    let seek = span.start;
    while (span.end - seek >= TIMESTAMP_MS) {
      r.progress(Math.min(0.99, (done + seek - span.start) / total), `window ${windows + 1}`);
      throwIfCancelled(r.cancel);
      const windowMs = Math.min(MAX_WINDOW_MS, span.end - seek);
      const encoded = await encode(rt, await reader.features(seek, seek + windowMs));
      const frames = Math.ceil(windowMs / TIMESTAMP_MS);
      const w = await decodeWindow(rt, encoded, prompt, {
        ...r, timestamps, windowIndex: windows, cancel: r.cancel, ...(r.wordTimestamps ? { attentionFrames: frames } : {}),
      });
      windows++;
      if (w.rejected.length > 0 && !w.skipped) fallbacks++;
      if (w.skipped) {
        skipped++;
        seek += windowMs;
        continue;
      }
      const cut = cutSegments(w.decoded.tokens, c, windowMs);
      for (const s of cut.segments) {
        const seg = toSegment(rt, w.decoded, s, seek, language, r.wordTimestamps, frames);
        if (seg) out.push(seg);
      }
      seek += Math.max(TIMESTAMP_MS, cut.advanceMs);
    }
    done += span.end - span.start;
  }
  const segments = out.sort((a, b) => a.start - b.start).map((s, i) => ({ id: `s${String(i + 1).padStart(4, '0')}`, ...s }));
  return { language, ...(detected ? { detected } : {}), segments, windows, fallbacks, skipped, melMs: reader.melMs };
}

function toSegment(
  rt: WhisperRuntime, d: import('./decode-loop.js').Decoded, s: { start: number; end: number; from: number; to: number },
  offsetMs: number, language: string, wordTimestamps: boolean, frames: number,
): Omit<TranscriptSegment, 'id'> | undefined {
  const c = rt.config;
  const textIdx: number[] = [];
  for (let i = s.from; i < s.to; i++) if (d.tokens[i]! < c.eot) textIdx.push(i);
  const tokens = textIdx.map((i) => d.tokens[i]!);
  const text = c.tokenizer.decode(tokens).trim();
  if (!text) return undefined;
  const start = Math.round(offsetMs + s.start);
  const end = Math.max(start, Math.round(offsetMs + s.end));
  const prob = (i: number) => Math.exp(d.logprobs[i]!);
  const confidence = round(textIdx.reduce((n, i) => n + prob(i), 0) / textIdx.length);
  if (!wordTimestamps) return { start, end, text, confidence };
  const groups = groupWords(tokens, (ids) => c.tokenizer.bytes(ids), language);
  let times: Array<{ start: number; end: number }>;
  if (d.attention) {
    // Rows: the step that produced each text token, then the one that produced what followed.
    const rowsIdx = [...textIdx, Math.min(textIdx.at(-1)! + 1, d.attention.length - 1)];
    const startsAt = tokenStartFrames(rowsIdx.map((i) => d.attention![i]!), c.alignmentHeads.length, frames);
    times = groups.map((g) => ({ start: offsetMs + startsAt[g.from]! * TIMESTAMP_MS, end: offsetMs + startsAt[g.to]! * TIMESTAMP_MS }));
  } else {
    times = wordsByLength(groups, start, end);
  }
  const words = groups.map((g, k) => {
    const ws = Math.min(end, Math.max(start, Math.round(times[k]!.start)));
    const we = Math.min(end, Math.max(ws, Math.round(times[k]!.end)));
    const conf = round(Array.from({ length: g.to - g.from }, (_, j) => prob(textIdx[g.from + j]!)).reduce((a, b) => a + b, 0) / (g.to - g.from));
    return { start: ws, end: we, text: g.text, confidence: conf };
  });
  return { start, end, text, words, confidence };
}

function round(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
}
