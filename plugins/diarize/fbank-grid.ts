/**
 * Filterbank frames on one grid over the whole track (frame j starts at sample j * shift),
 * computed once each, when first needed, and kept in a ring while the overlapping windows that
 * need them pass by: memory is one window's frames however long the film.
 */
import type { Fbank } from './fbank.js';

export class FbankGrid {
  private readonly ring: Float32Array;
  private readonly held: Float64Array;
  private readonly capacity: number;

  constructor(readonly fbank: Fbank, windowSamples: number) {
    this.capacity = fbank.frameCount(windowSamples) + 64;
    this.ring = new Float32Array(this.capacity * fbank.melBins);
    this.held = new Float64Array(this.capacity).fill(-1);
  }

  /**
   * Frame j's bins, computed now unless held; `samples` holds the audio from sample
   * first * shift on, so frame j starts at (j - first) * shift in it. Only frames someone speaks
   * in are asked for, so silence costs no filterbank. (A view into the ring: copy it before the
   * next call.)
   */
  frame(j: number, first: number, samples: Float32Array): Float32Array {
    const slot = j % this.capacity;
    const bins = this.fbank.melBins;
    if (this.held[slot] !== j) {
      this.fbank.frame(samples, (j - first) * this.fbank.frameShift, this.ring, slot * bins);
      this.held[slot] = j;
    }
    return this.ring.subarray(slot * bins, (slot + 1) * bins);
  }
}
