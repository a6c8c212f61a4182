/**
 * Transcript segments -> dubbing units: sentence-like stretches of one speaker, about
 * minMs..maxMs long, that translate and synthesize well on their own. Speakers come from the
 * diarization when there is one (see speakers.ts). Neighbours are merged
 * first (see merge.ts), then long units are cut (see split.ts). Text, word timings and
 * speakers are kept; ids are 'u0001', 'u0002', ... in time order.
 */
import type { Diarization, SpeechSegments, Transcript } from '../sdk/index.js';
import { mergeNeighbours, type Piece } from './merge.js';
import { splitLong, type Span } from './split.js';
import type { UnitsOptions } from './options.js';
import { labelSpeakers } from './speakers.js';

export function segmentUnits(transcript: Transcript, speech: SpeechSegments | undefined, o: UnitsOptions, diarization?: Diarization): Transcript {
  const pieces: Piece[] = labelSpeakers(transcript.segments
    .map(({ id: _id, ...rest }) => ({ ...rest, text: rest.text.replace(/\s+/g, ' ').trim() }))
    .filter((s) => s.text !== '')
    .sort((a, b) => a.start - b.start), diarization);
  const pauses = pausesOf(speech);
  const units = mergeNeighbours(pieces, o).flatMap((u) => splitLong(u, pauses, o));
  return {
    ...transcript,
    segments: units.map((u, i) => ({ id: `u${String(i + 1).padStart(4, '0')}`, ...u })),
  };
}

/** The silences between consecutive speech segments. */
function pausesOf(speech: SpeechSegments | undefined): Span[] {
  const s = [...(speech?.segments ?? [])].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (let i = 1; i < s.length; i++) if (s[i]!.start > s[i - 1]!.end) out.push({ start: s[i - 1]!.end, end: s[i]!.start });
  return out;
}
