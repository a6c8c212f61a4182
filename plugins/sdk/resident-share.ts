/**
 * A model's memory (the catalogue's residentMb, what models.maxResidentMb counts) split over the
 * ONNX sessions it is loaded as: an encoder and a decoder are one model, so each session counts
 * its share (by file size, which is what the weights take) and together they count the model
 * once, not twice.
 */
import type { InstalledModel } from './models.js';

/** residentMb for each of `paths` (files of the entry), in that order; they add up to the model's. */
export function residentShares(model: InstalledModel, paths: readonly string[]): number[] {
  // A file the entry does not list (a hand-made folder) weighs as much as the others.
  const sizes = paths.map((p) => model.entry.files.find((f) => f.path === p)?.size || 1);
  const total = sizes.reduce((a, b) => a + b, 0);
  return sizes.map((s) => (model.entry.residentMb * s) / total);
}
