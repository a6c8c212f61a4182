/**
 * Joins neighbouring segments into one unit when they are one thought: the same speaker,
 * a short pause, room under the maximum length, and either the first does not end a
 * sentence or one of the two is too short to be a unit on its own.
 */
import type { TranscriptSegment } from '../sdk/index.js';
import { endsSentence, joinText } from '../sdk/punctuation.js';

export type Piece = Omit<TranscriptSegment, 'id'>;

export interface MergeOptions {
  minMs: number;
  maxMs: number;
  maxGapMs: number;
}

export function mergeNeighbours(segments: readonly Piece[], o: MergeOptions): Piece[] {
  const out: Piece[] = [];
  for (const seg of segments) {
    const prev = out.at(-1);
    if (prev && canMerge(prev, seg, o)) out[out.length - 1] = join(prev, seg);
    else out.push(seg);
  }
  return out;
}

function canMerge(a: Piece, b: Piece, o: MergeOptions): boolean {
  if (a.speaker !== b.speaker) return false;
  if (b.start - a.end > o.maxGapMs || Math.max(a.end, b.end) - a.start > o.maxMs) return false;
  const short = a.end - a.start < o.minMs || b.end - b.start < o.minMs;
  return short || !endsSentence(a.text);
}

export function join(a: Piece, b: Piece): Piece {
  const confidences = [a.confidence, b.confidence].filter((c): c is number => c !== undefined);
  return {
    start: a.start,
    end: Math.max(a.end, b.end),
    text: joinText(a.text, b.text),
    // Words only when both have them: a unit with words for half its text would mislead.
    ...(a.words && b.words ? { words: [...a.words, ...b.words] } : {}),
    ...(a.speaker !== undefined ? { speaker: a.speaker } : {}),
    ...(confidences.length ? { confidence: Math.min(...confidences) } : {}),
  };
}
