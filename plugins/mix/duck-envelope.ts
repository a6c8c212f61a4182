/**
 * The gain the original gets under the dub: 0 dB away from dub lines; a ramp (linear in dB)
 * down to duckDb over attackMs before each line starts, so the first syllable is not masked;
 * duckDb while it plays; back up over releaseMs after it ends. Lines closer than attack +
 * release are held as one (the original stays down between them instead of pumping); where
 * ramps of overlapping lines still meet, the lower gain wins.
 */
export interface Span { startFrame: number; endFrame: number }

export class DuckEnvelope {
  private readonly duck: number;
  private readonly spans: Span[] = [];
  private first = 0;

  /** `lines` sorted by start. */
  constructor(
    lines: readonly Span[],
    private readonly duckDb: number,
    private readonly attackFrames: number,
    private readonly releaseFrames: number,
  ) {
    this.duck = 10 ** (duckDb / 20);
    for (const l of lines) {
      const last = this.spans.at(-1);
      if (last && l.startFrame - last.endFrame < attackFrames + releaseFrames) last.endFrame = Math.max(last.endFrame, l.endFrame);
      else this.spans.push({ ...l });
    }
  }

  /**
   * Gains for frames [from, from + frames) into `out`, asked for in timeline order (spans
   * sorted by start); false when the whole block is at 0 dB.
   */
  fill(out: Float32Array, from: number, frames: number): boolean {
    out.fill(1, 0, frames);
    let any = false;
    const to = from + frames;
    while (this.first < this.spans.length && this.spans[this.first]!.endFrame + this.releaseFrames <= from) this.first++;
    for (let i = this.first; i < this.spans.length; i++) {
      const s = this.spans[i]!;
      if (s.startFrame - this.attackFrames >= to) break;
      if (s.endFrame + this.releaseFrames <= from) continue;
      any = true;
      this.applyRamp(out, from, to, s.startFrame - this.attackFrames, s.startFrame, false);
      const holdFrom = Math.max(from, s.startFrame);
      const holdTo = Math.min(to, s.endFrame);
      for (let t = holdFrom; t < holdTo; t++) if (this.duck < out[t - from]!) out[t - from] = this.duck;
      this.applyRamp(out, from, to, s.endFrame, s.endFrame + this.releaseFrames, true);
    }
    return any;
  }

  /** Ramp over [a, b): down from 0 dB to duckDb, or back up when `up`. */
  private applyRamp(out: Float32Array, from: number, to: number, a: number, b: number, up: boolean): void {
    const length = b - a;
    if (length <= 0) return;
    for (let t = Math.max(from, a); t < Math.min(to, b); t++) {
      const progress = (t - a + 0.5) / length;
      const g = 10 ** ((this.duckDb * (up ? 1 - progress : progress)) / 20);
      if (g < out[t - from]!) out[t - from] = g;
    }
  }

  /** Stretches where the original is lowered (ramps included), merged, and their total length. */
  regions(): { count: number; frames: number } {
    let count = 0;
    let frames = 0;
    let open = -Infinity;
    let close = -Infinity;
    for (const s of this.spans) {
      const a = Math.max(0, s.startFrame - this.attackFrames);
      const b = s.endFrame + this.releaseFrames;
      if (a > close) {
        if (close > open) frames += close - open;
        count++;
        open = a;
      }
      close = Math.max(close, b);
    }
    if (close > open) frames += close - open;
    return { count, frames };
  }
}
