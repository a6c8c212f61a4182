/**
 * Where the segmentation model looks: 10 s windows on a grid of `step` samples over the track,
 * keeping those with any voice activity in them (silence and music-only stretches cost nothing),
 * plus one window flush with the end so the last seconds are seen. Starts are multiples of the
 * filterbank's frame shift, so every window's filterbank frames are frames of one grid over
 * the whole track and are computed once however much windows overlap.
 */
export interface Span { start: number; end: number }

export interface WindowPlan {
  /** Window starts in samples, ascending. */
  starts: number[];
  windowSamples: number;
}

export function planWindows(totalSamples: number, speech: readonly Span[], o: { windowSamples: number; stepSamples: number; align: number }): WindowPlan {
  const { windowSamples, align } = o;
  const step = Math.max(align, Math.round(o.stepSamples / align) * align);
  const grid: number[] = [];
  for (let s = 0; s + windowSamples < totalSamples; s += step) grid.push(s);
  const last = Math.max(0, Math.floor((totalSamples - windowSamples) / align) * align);
  if (grid.length === 0 || grid[grid.length - 1]! < last) grid.push(last);
  const starts = grid.filter((s) => overlaps(speech, s, s + windowSamples));
  return { starts, windowSamples };
}

/** Speech spans in samples, sorted and merged, from VAD segments in ms. */
export function speechSpans(segments: ReadonlyArray<{ start: number; end: number }>, sampleRate: number): Span[] {
  const spans = segments
    .map((s) => ({ start: Math.round((s.start * sampleRate) / 1000), end: Math.round((s.end * sampleRate) / 1000) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of spans) {
    const prev = out.at(-1);
    if (prev && s.start <= prev.end) prev.end = Math.max(prev.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

function overlaps(spans: readonly Span[], start: number, end: number): boolean {
  const i = firstEndingAfter(spans, start);
  return i < spans.length && spans[i]!.start < end;
}

/** Index of the first span that ends after `at` (spans sorted, disjoint). */
function firstEndingAfter(spans: readonly Span[], at: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.end <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether each of `count` sample positions start + k * step lies in speech. */
export function speechMask(spans: readonly Span[], start: number, step: number, count: number, out: Uint8Array): void {
  let i = firstEndingAfter(spans, start);
  for (let k = 0; k < count; k++) {
    const at = start + k * step;
    while (i < spans.length && spans[i]!.end <= at) i++;
    out[k] = i < spans.length && spans[i]!.start <= at ? 1 : 0;
  }
}
