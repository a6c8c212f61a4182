/**
 * Decoded utterances as Transcript segments on the source timeline. Confidence is the
 * decoder's word posterior probability; a segment's is the mean over its words, i.e. the
 * expected share of its words that are right.
 */
import type { TranscriptSegment } from '../sdk/index.js';
import type { Utterance } from './decoder-output.js';

export function toSegments(utterances: ReadonlyArray<{ words: Utterance; toSource(ms: number): number }>): TranscriptSegment[] {
  const segments = utterances
    .filter((u) => u.words.length > 0)
    .map(({ words, toSource }) => {
      const mapped = words.map((w) => {
        const start = toSource(w.startMs);
        return { start, end: Math.max(start, toSource(w.endMs)), text: w.text, confidence: round(w.posterior) };
      });
      return {
        start: mapped[0]!.start,
        end: mapped.at(-1)!.end,
        text: mapped.map((w) => w.text).join(' '),
        words: mapped,
        confidence: round(mapped.reduce((n, w) => n + w.confidence, 0) / mapped.length),
      };
    })
    .sort((a, b) => a.start - b.start);
  return segments.map((s, i) => ({ id: `s${String(i + 1).padStart(4, '0')}`, ...s }));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
