/**
 * Which audio is uploaded for transcription, and how times in an upload map back to the track.
 *
 * With VAD, only speech is sent: each region (padded, overlapping ones merged, ones closer than
 * the gap joined with the audio between) becomes a piece, and pieces are packed in time order
 * into uploads of at most maxChunkMs, with `gapMs` of silence put between them so the model
 * ends a segment there. The long silences between regions are neither sent nor paid for.
 * Without VAD the whole track is sent, cut into maxChunkMs pieces. A region longer than a whole
 * upload is cut into pieces of that length (the only cut not at a pause).
 */
import type { SpeechSegments } from '../sdk/index.js';

export interface Piece {
  /** The piece on the track, ms. */
  sourceStart: number;
  sourceEnd: number;
  /** Where it starts in the upload, ms. */
  chunkStart: number;
}

export interface Chunk {
  pieces: Piece[];
  /** The upload's length, ms: its pieces and the gaps between them. */
  durationMs: number;
}

export interface ChunkPlanOptions {
  maxChunkMs: number;
  paddingMs: number;
  gapMs: number;
}

export function planChunks(trackMs: number, vad: SpeechSegments | undefined, o: ChunkPlanOptions): Chunk[] {
  const regions = vad ? speechRegions(trackMs, vad, o) : trackMs > 0 ? [{ start: 0, end: trackMs }] : [];
  const pieces = regions.flatMap((r) => {
    const out: Array<{ start: number; end: number }> = [];
    for (let s = r.start; s < r.end; s += o.maxChunkMs) out.push({ start: s, end: Math.min(r.end, s + o.maxChunkMs) });
    return out;
  });
  const chunks: Chunk[] = [];
  for (const p of pieces) {
    const cur = chunks.at(-1);
    const len = p.end - p.start;
    if (cur && cur.durationMs + o.gapMs + len <= o.maxChunkMs) {
      cur.pieces.push({ sourceStart: p.start, sourceEnd: p.end, chunkStart: cur.durationMs + o.gapMs });
      cur.durationMs += o.gapMs + len;
    } else {
      chunks.push({ pieces: [{ sourceStart: p.start, sourceEnd: p.end, chunkStart: 0 }], durationMs: len });
    }
  }
  return chunks;
}

function speechRegions(trackMs: number, vad: SpeechSegments, o: ChunkPlanOptions): Array<{ start: number; end: number }> {
  const padded = vad.segments
    .map((s) => ({ start: Math.max(0, s.start - o.paddingMs), end: Math.min(trackMs, s.end + o.paddingMs) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number }> = [];
  for (const r of padded) {
    const last = merged.at(-1);
    // Closer than the gap we would insert: sending the real audio between costs no more.
    if (last && r.start - last.end <= o.gapMs) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/**
 * A time in the upload (ms) on the track. A time in the silence after a piece belongs to that
 * piece's end: a word the model stretched into the gap ends where the speech did.
 */
export function trackTime(chunk: Chunk, chunkMs: number): number {
  let piece = chunk.pieces[0]!;
  for (const p of chunk.pieces) if (p.chunkStart <= chunkMs) piece = p;
  const offset = Math.max(0, chunkMs - piece.chunkStart);
  return Math.round(Math.min(piece.sourceEnd, piece.sourceStart + offset));
}
