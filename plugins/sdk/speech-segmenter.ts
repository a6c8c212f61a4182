/**
 * Turns per-frame speech scores (a VAD's probabilities, an energy detector's dB above the noise
 * floor, ...) into speech segments, so every VAD provider shares one set of semantics for its
 * thresholds, durations and padding. The rules follow Silero's get_speech_timestamps:
 * hysteresis (start at >= onThreshold, end after minSilenceMs below offThreshold), drop
 * segments shorter than minSpeechMs, pad each side by speechPadMs without overlapping the
 * neighbours (a gap narrower than two pads is shared half and half).
 */
import type { SpeechSegments } from './artifacts.js';

export interface SegmenterOptions {
  /** Duration of one score frame in ms (may be fractional). */
  frameMs: number;
  onThreshold: number;
  offThreshold: number;
  minSpeechMs: number;
  minSilenceMs: number;
  speechPadMs: number;
  /** Padded segments longer than this are cut at their lowest-score frame (repeatedly). */
  maxSegmentMs: number;
  /** Length of the track; padding never runs past it. */
  durationMs: number;
  /** Report each segment's mean score as `probability` (only when scores are probabilities). */
  meanScoreAsProbability?: boolean;
}

type SpeechSegment = SpeechSegments['segments'][number];
interface Span { start: number; end: number } // frame indices, end exclusive

export function segmentSpeech(scores: ArrayLike<number>, o: SegmenterOptions): SpeechSegment[] {
  const spans = splitLongSpans(scores, hysteresisSpans(scores, o), o);
  return padSpans(spans, scores, o);
}

function hysteresisSpans(scores: ArrayLike<number>, o: SegmenterOptions): Span[] {
  const minSpeechFrames = o.minSpeechMs / o.frameMs;
  const minSilenceFrames = o.minSilenceMs / o.frameMs;
  const spans: Span[] = [];
  let start = -1;
  let silenceFrom = -1;
  const close = (end: number) => {
    if (end - start >= minSpeechFrames) spans.push({ start, end });
    start = -1;
    silenceFrom = -1;
  };
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s >= o.onThreshold) {
      silenceFrom = -1;
      if (start < 0) start = i;
    } else if (start >= 0 && s < o.offThreshold) {
      if (silenceFrom < 0) silenceFrom = i;
      if (i + 1 - silenceFrom >= minSilenceFrames) close(silenceFrom);
    }
  }
  if (start >= 0) close(silenceFrom >= 0 ? silenceFrom : scores.length);
  return spans;
}

/**
 * Cuts spans that would exceed maxSegmentMs once padded. Each cut goes at the lowest score
 * within the first allowed length (ties: the later frame, so pieces stay long), which keeps
 * the work linear even on hours of uninterrupted speech.
 */
function splitLongSpans(scores: ArrayLike<number>, spans: Span[], o: SegmenterOptions): Span[] {
  // 2 ms of slack absorbs rounding the padded ends to whole milliseconds.
  const maxFrames = Math.max(2, Math.floor((o.maxSegmentMs - 2 * o.speechPadMs - 2) / o.frameMs));
  const minPiece = Math.max(1, Math.min(Math.ceil(o.minSpeechMs / o.frameMs), Math.floor(maxFrames / 2)));
  const out: Span[] = [];
  for (const span of spans) {
    let { start } = span;
    while (span.end - start > maxFrames) {
      const last = Math.min(start + maxFrames, span.end - minPiece);
      let cut = start + minPiece;
      for (let i = cut + 1; i <= last; i++) if (scores[i]! <= scores[cut]!) cut = i;
      out.push({ start, end: cut });
      start = cut;
    }
    out.push({ start, end: span.end });
  }
  return out;
}

function padSpans(spans: Span[], scores: ArrayLike<number>, o: SegmenterOptions): SpeechSegment[] {
  const f = o.frameMs;
  return spans.map((span, i) => {
    const prev = spans[i - 1];
    const next = spans[i + 1];
    const startMs = span.start * f;
    const endMs = span.end * f;
    const padBefore = prev ? Math.min(o.speechPadMs, (startMs - prev.end * f) / 2) : o.speechPadMs;
    const padAfter = next ? Math.min(o.speechPadMs, (next.start * f - endMs) / 2) : o.speechPadMs;
    // The same rounding on both sides of a shared boundary, so neighbours never overlap.
    const start = Math.min(Math.max(0, Math.round(startMs - padBefore)), Math.max(0, o.durationMs - 1));
    const end = Math.max(start + 1, Math.min(o.durationMs, Math.round(endMs + padAfter)));
    const seg: SpeechSegment = { start, end };
    if (o.meanScoreAsProbability) seg.probability = meanScore(scores, span);
    return seg;
  });
}

function meanScore(scores: ArrayLike<number>, span: Span): number {
  let sum = 0;
  for (let i = span.start; i < span.end; i++) sum += scores[i]!;
  const mean = sum / Math.max(1, span.end - span.start);
  return Math.round(Math.min(1, Math.max(0, mean)) * 1000) / 1000;
}
