/**
 * The part of a synthesized clip worth keeping: from just before the first sample above a
 * silence threshold to a little after the last. Speech engines leave silence at both ends
 * (espeak-ng ~0.3 s at the end, neural voices a breath at the start); left in, it counts as
 * speech when fitting a slot and forces needless speed-ups. A short margin stays on each side
 * so the first consonant's onset and the last phoneme's decay are not cut.
 */
export interface AudibleSpanOptions {
  /** Quieter than this (dBFS) is silence (default -50). */
  thresholdDb?: number;
  /** Kept before the first audible sample, ms (default 10). */
  keepBeforeMs?: number;
  /** Kept after the last audible sample, ms (default 40). */
  keepAfterMs?: number;
}

/** Sample range [from, to) to keep; the whole clip when nothing in it is audible. */
export function audibleSpan(channels: readonly Float32Array[], sampleRate: number, o: AudibleSpanOptions = {}): { from: number; to: number } {
  const threshold = 10 ** ((o.thresholdDb ?? -50) / 20);
  const length = channels[0]?.length ?? 0;
  const loud = (i: number) => channels.some((c) => Math.abs(c[i]!) >= threshold);
  let first = 0;
  while (first < length && !loud(first)) first++;
  if (first >= length) return { from: 0, to: length };
  let last = length - 1;
  while (last > first && !loud(last)) last--;
  return {
    from: Math.max(0, first - Math.round(((o.keepBeforeMs ?? 10) * sampleRate) / 1000)),
    to: Math.min(length, last + 1 + Math.round(((o.keepAfterMs ?? 40) * sampleRate) / 1000)),
  };
}
