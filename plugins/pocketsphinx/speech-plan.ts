/**
 * What to decode and where it lands on the source timeline. With VAD, only the padded speech
 * regions are decoded, cut into runs ("chunks") of about equal length, each decoded by its own
 * process; the regions of a run are laid end to end with a silent gap longer than
 * pocketsphinx's end-of-utterance wait (0.5 s), so each region ends its own utterances.
 *
 * The cut depends on the audio alone, never on how many decoders run at once, so the
 * transcript is the same on any machine and under any load (a stage's result must follow from
 * its cache key). Each chunk starts from the model's initial cepstral mean, which garbles its
 * first words a little: on the 10-minute bench track (523 s of regions) 1, 2 and 4 chunks gave
 * WER 0.682, 0.683 and 0.680, 8 and 16 chunks 0.702 and 0.716. Hence chunks of ~150 s, and
 * an even count of them, so two or four decoders share them evenly.
 *
 * Measured on generated 30 s talk tracks (perf stat, instructions): cutting to the regions
 * saves only 2-4% of the decoder's work, because pocketsphinx already drops frames its own
 * energy VAD calls silence; the gain is that runs can go to separate cores. Loading the
 * model costs each process ~1.5 G instructions, about 11% of decoding 30 s of speech.
 */
export interface Region { start: number; end: number }

export interface PlacedRegion extends Region {
  /** Where the region starts in the decoded stream, ms. */
  streamStart: number;
}

export interface DecodeRun {
  regions: PlacedRegion[];
  /** Length of the stream fed to the decoder, ms. */
  streamMs: number;
}

export const GAP_MS = 1000;

export function speechRegions(durationMs: number, vad: readonly Region[] | undefined, paddingMs: number): Region[] {
  if (!vad) return durationMs > 0 ? [{ start: 0, end: durationMs }] : [];
  const padded = vad
    .map((r) => ({ start: Math.max(0, r.start - paddingMs), end: Math.min(durationMs, r.end + paddingMs) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged: Region[] = [];
  for (const r of padded) {
    const last = merged.at(-1);
    // Closer than a gap would be: decoding the pause is cheaper than splitting there.
    if (last && r.start <= last.end + GAP_MS) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/** How many chunks `regions` are cut into: about `chunkMs` of speech each, an even count past one. */
export function chunkCount(regions: readonly Region[], chunkMs: number): number {
  const total = regions.reduce((n, r) => n + r.end - r.start, 0);
  return total <= chunkMs ? 1 : 2 * Math.ceil(total / (2 * chunkMs));
}

/** Contiguous runs of regions with about equal speech each, at most `groups` of them. */
export function planRuns(regions: readonly Region[], groups: number): DecodeRun[] {
  const total = regions.reduce((n, r) => n + r.end - r.start, 0);
  const share = total / Math.max(1, Math.min(groups, regions.length));
  const runs: DecodeRun[] = [];
  let current: PlacedRegion[] = [];
  let speech = 0;
  let cursor = 0;
  const close = () => {
    if (current.length) runs.push({ regions: current, streamMs: cursor - GAP_MS });
    current = [];
    cursor = 0;
  };
  for (const r of regions) {
    current.push({ ...r, streamStart: cursor });
    cursor += r.end - r.start + GAP_MS;
    speech += r.end - r.start;
    if (speech >= share * (runs.length + 1) - 1e-6 && runs.length < groups - 1) close();
  }
  close();
  return runs;
}

/** Maps a time of the decoded stream back to the source timeline. */
export function toSourceTime(run: DecodeRun, streamMs: number): number {
  let r = run.regions[0]!;
  for (const x of run.regions) if (x.streamStart <= streamMs) r = x;
  return Math.min(r.end, r.start + Math.max(0, streamMs - r.streamStart));
}
