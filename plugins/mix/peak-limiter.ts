/**
 * A look-ahead peak limiter for the channels that carry the dub, so dub + ducked original never
 * clip. It only acts where the mix is above the ceiling AND above what the original itself had
 * there: an original that already peaks high is passed as it was, never made quieter.
 *
 * Blocks go through with one block of delay: a block is released once the next one has been
 * seen, so a peak at the start of a block can ramp the gain down over the end of the previous
 * one. No samples are delayed, so the timing of the track is untouched.
 */
export interface LimiterStats { limitedFrames: number; maxReductionDb: number }

interface Pending { block: Float32Array; frames: number; gain: Float32Array | null }

export class PeakLimiter {
  private pending: Pending | null = null;
  private last = 1;
  private readonly releaseStep: number;
  private limited = 0;
  private lowest = 1;

  constructor(
    private readonly channels: number,
    private readonly limitedChannels: readonly number[],
    private readonly lookaheadFrames: number,
    releaseFrames: number,
  ) {
    this.releaseStep = 1 - Math.exp(-1 / Math.max(1, releaseFrames));
  }

  /**
   * Takes the next mixed block and the gain each frame needs (null: none needs any); returns
   * the previous block, limited, ready to write (null for the first block).
   */
  push(block: Float32Array, frames: number, need: Float32Array | null): Pending | null {
    const gain = need ? need.slice(0, frames) : null;
    if (gain) this.rampBefore(gain, frames);
    const out = this.pending ? this.release(this.pending) : null;
    this.pending = { block, frames, gain };
    return out;
  }

  /** The last block; call once at the end. */
  flush(): Pending | null {
    const out = this.pending ? this.release(this.pending) : null;
    this.pending = null;
    return out;
  }

  stats(): LimiterStats {
    return { limitedFrames: this.limited, maxReductionDb: this.lowest < 1 ? Math.round(-20 * Math.log10(this.lowest) * 100) / 100 : 0 };
  }

  /** For every frame that needs a cut, ramps the gain down over the frames before it (into the pending block too). */
  private rampBefore(gain: Float32Array, frames: number): void {
    const L = this.lookaheadFrames;
    for (let j = 0; j < frames; j++) {
      const g = gain[j]!;
      if (g >= 1) continue;
      for (let back = 1; back <= L; back++) {
        const v = g + ((1 - g) * back) / L;
        const i = j - back;
        if (i >= 0) {
          if (v < gain[i]!) gain[i] = v;
        } else {
          const p = this.pending;
          if (!p || p.frames + i < 0) break;
          p.gain ??= new Float32Array(p.frames).fill(1);
          if (v < p.gain[p.frames + i]!) p.gain[p.frames + i] = v;
        }
      }
    }
  }

  /** Smooth release (never above what a frame needs), then applies the gain to the limited channels. */
  private release(p: Pending): Pending {
    if (!p.gain && this.last >= 0.9999) return p;
    const gain = p.gain ?? new Float32Array(p.frames).fill(1);
    let g = this.last;
    for (let i = 0; i < p.frames; i++) {
      g = Math.min(gain[i]!, g + (1 - g) * this.releaseStep);
      if (g < 0.9999) {
        this.limited++;
        if (g < this.lowest) this.lowest = g;
        for (const c of this.limitedChannels) p.block[i * this.channels + c]! *= g;
      }
    }
    this.last = g;
    return { ...p, gain };
  }
}
