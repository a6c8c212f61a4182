/**
 * Word error rate: the word-level edit distance from what should have been said (reference)
 * to what was recognized (hypothesis), over the reference's length, both compared as
 * comparable-text.ts normalises them. It can exceed 1 when the hypothesis adds words.
 */
import { comparableWords } from './comparable-text.js';
import { editDistance, type EditDistanceWork } from './edit-distance.js';

export interface WordErrors {
  /** Substituted, inserted and deleted words. */
  errors: number;
  referenceWords: number;
}

export function wordErrors(reference: string, hypothesis: string, work?: EditDistanceWork): WordErrors {
  const r = comparableWords(reference);
  return { errors: editDistance(r, comparableWords(hypothesis), work), referenceWords: r.length };
}

/** errors / reference words; an empty reference scores 0 against an empty hypothesis, else 1. */
export function errorRate({ errors, referenceWords }: WordErrors): number {
  return referenceWords === 0 ? (errors === 0 ? 0 : 1) : errors / referenceWords;
}

export function wordErrorRate(reference: string, hypothesis: string): number {
  return errorRate(wordErrors(reference, hypothesis));
}
