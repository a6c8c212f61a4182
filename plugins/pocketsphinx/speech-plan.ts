/**
 * What to decode and where it lands on the source timeline. With VAD, only the padded speech
 * regions are decoded, cut into `groups` runs of about equal length (one decoder each); the
 * regions of a run are laid end to end with a silent gap longer than pocketsphinx's
 * end-of-utterance wait (0.5 s), so each region ends its own utterances.
 *
 * Each run starts with a warm-up: the first seconds of its own first region, decoded and
 * thrown away. A fresh decoder normalizes the first utterance with a stock cepstral mean
 * that can be far from the audio's (it moved from 41 to 61 on espeak-ng speech), which
 * garbles it; after the warm-up the mean fits (WER 0.43 -> 0.35 on the 27 s test passage).
 */
export interface Region { start: number; end: number }

export interface PlacedRegion extends Region {
  /** Where the region starts in the decoded stream, ms. */
  streamStart: number;
}

export interface DecodeRun {
  /** Audio decoded first and discarded, at stream time 0. */
  warmup: Region;
  regions: PlacedRegion[];
  /** Length of the stream fed to the decoder, ms. */
  streamMs: number;
}

export const GAP_MS = 1000;
export const WARMUP_MS = 3000;

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

/** Contiguous runs of regions with about equal speech each, at most `groups` of them. */
export function planRuns(regions: readonly Region[], groups: number, warmupMs = WARMUP_MS): DecodeRun[] {
  const total = regions.reduce((n, r) => n + r.end - r.start, 0);
  const share = total / Math.max(1, Math.min(groups, regions.length));
  const runs: DecodeRun[] = [];
  let current: PlacedRegion[] = [];
  let warmup: Region = { start: 0, end: 0 };
  let speech = 0;
  let cursor = 0;
  const close = () => {
    if (current.length) runs.push({ warmup, regions: current, streamMs: cursor - GAP_MS });
    current = [];
  };
  for (const r of regions) {
    if (current.length === 0) {
      warmup = { start: r.start, end: Math.min(r.end, r.start + warmupMs) };
      cursor = warmup.end > warmup.start ? warmup.end - warmup.start + GAP_MS : 0;
    }
    current.push({ ...r, streamStart: cursor });
    cursor += r.end - r.start + GAP_MS;
    speech += r.end - r.start;
    if (speech >= share * (runs.length + 1) - 1e-6 && runs.length < groups - 1) close();
  }
  close();
  return runs;
}

/** Maps a time of the decoded stream back to the source timeline; undefined inside the warm-up. */
export function toSourceTime(run: DecodeRun, streamMs: number): number | undefined {
  if (streamMs < run.regions[0]!.streamStart) return undefined;
  let r = run.regions[0]!;
  for (const x of run.regions) if (x.streamStart <= streamMs) r = x;
  return Math.min(r.end, r.start + Math.max(0, streamMs - r.streamStart));
}
