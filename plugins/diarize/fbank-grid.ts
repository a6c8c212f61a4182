/**
 * Filterbank frames on one grid over the whole track (frame j starts at sample j * shift),
 * computed once each and kept in a ring while the overlapping windows that need them pass by:
 * memory is one window's frames however long the film.
 */
import type { Fbank } from './fbank.js';

export class FbankGrid {
  private readonly ring: Float32Array;
  private readonly held: Float64Array;
  private readonly capacity: number;
  /** Time spent computing frames, for the benchmark. */
  ms = 0;

  constructor(readonly fbank: Fbank, windowSamples: number) {
    this.capacity = fbank.frameCount(windowSamples) + 64;
    this.ring = new Float32Array(this.capacity * fbank.melBins);
    this.held = new Float64Array(this.capacity).fill(-1);
  }

  /**
   * Makes frames [first, first + count) available, computing those not held from `samples`,
   * the audio from sample first * shift on (count must not exceed one window's frames).
   */
  fill(first: number, count: number, samples: Float32Array): void {
    const t0 = performance.now();
    const { frameShift, melBins } = this.fbank;
    for (let j = first; j < first + count; j++) {
      const slot = j % this.capacity;
      if (this.held[slot] === j) continue;
      this.fbank.frame(samples, (j - first) * frameShift, this.ring, slot * melBins);
      this.held[slot] = j;
    }
    this.ms += performance.now() - t0;
  }

  /** Frame j's bins (a view into the ring: copy before filling again). */
  frame(j: number): Float32Array {
    const slot = j % this.capacity;
    if (this.held[slot] !== j) throw new Error(`filterbank frame ${j} is not held`);
    const bins = this.fbank.melBins;
    return this.ring.subarray(slot * bins, (slot + 1) * bins);
  }
}
