/**
 * pyannote's powerset encoding: the segmentation model scores, per frame, every set of at most
 * `maxPerFrame` of its `speakers` local speakers (the empty set first, then the singles, then
 * the pairs, in index order), and the most likely set is who speaks.
 */
export class Powerset {
  /** For each class, the local speakers in it. */
  readonly classes: number[][];

  constructor(readonly speakers: number, maxPerFrame: number) {
    this.classes = [[]];
    const add = (from: number, set: number[], size: number) => {
      if (set.length === size) { this.classes.push([...set]); return; }
      for (let s = from; s < speakers; s++) add(s + 1, [...set, s], size);
    };
    for (let size = 1; size <= Math.min(maxPerFrame, speakers); size++) add(0, [], size);
  }

  /**
   * Who speaks in each frame of one window's scores [frames, classes] (row-major, from
   * `offset`): active[frame * speakers + s] = 1.
   */
  decode(scores: Float32Array, offset: number, frames: number, active: Uint8Array): void {
    const n = this.classes.length;
    active.fill(0, 0, frames * this.speakers);
    for (let f = 0; f < frames; f++) {
      const row = offset + f * n;
      let best = 0;
      for (let c = 1; c < n; c++) if (scores[row + c]! > scores[row + best]!) best = c;
      for (const s of this.classes[best]!) active[f * this.speakers + s] = 1;
    }
  }
}
