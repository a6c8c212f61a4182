/**
 * The share of detected speech that the cues cover. Forced or partial subtitles (a file
 * mislabelled, a stream that only has the foreign-language lines) cover little of it and
 * must not become the transcript.
 */
import type { Timed } from './align.js';

/** Below this share of speech covered, a subtitle file is not a full transcript. */
export const MIN_SPEECH_COVERAGE = 0.25;
/** With less speech than this the share says nothing (a short clip, a VAD miss). */
export const MIN_SPEECH_FOR_COVERAGE_MS = 10_000;

/** Both lists sorted by start and non-overlapping; undefined when there is too little speech to judge. */
export function speechCoverage(cues: readonly Timed[], speech: readonly Timed[]): number | undefined {
  const total = speech.reduce((n, s) => n + Math.max(0, s.end - s.start), 0);
  if (total < MIN_SPEECH_FOR_COVERAGE_MS) return undefined;
  let covered = 0;
  let j = 0;
  for (const s of speech) {
    while (j < cues.length && cues[j]!.end <= s.start) j++;
    for (let k = j; k < cues.length && cues[k]!.start < s.end; k++) {
      covered += Math.max(0, Math.min(s.end, cues[k]!.end) - Math.max(s.start, cues[k]!.start));
    }
  }
  return covered / total;
}
