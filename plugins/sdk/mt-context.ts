/**
 * Neighbouring units as context, where a sentence-level translation model allows it.
 *
 * opus-mt and NLLB were trained on single sentences: given a neighbour as extra text they
 * translate it too, and nothing tells which words of the output belong to which unit. What they
 * do well is a whole sentence. So a unit that stops mid-sentence ("I told him that") is joined
 * with the units that finish the sentence ("he should go."), the sentence is translated once,
 * and its translation is cut back into units at separators the model carries through
 * (mt-placeholders.ts). When the separators do not come back exactly, the caller translates
 * those units one by one instead, which is what a model without context does anyway.
 */
import { endsSentence } from './punctuation.js';

export interface ContextUnit {
  text: string;
  start: number;
  end: number;
  speaker?: string;
}

/** Units further apart than this are separate utterances, whatever their punctuation. */
const MAX_GAP_MS = 1500;
/** More parts means more separators to lose; sentences that long are rare in dialogue. */
const MAX_PARTS = 4;

/**
 * Groups of consecutive unit indexes to translate together (most are single units). A unit
 * joins the next when it does not end a sentence, the next follows within MAX_GAP_MS, and the
 * same speaker says both (when speakers are known).
 */
export function sentenceGroups(units: readonly ContextUnit[]): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  units.forEach((u, i) => {
    current.push(i);
    const next = units[i + 1];
    const continues = next !== undefined
      && !endsSentence(u.text)
      && next.start - u.end <= MAX_GAP_MS
      && (u.speaker === undefined || next.speaker === undefined || u.speaker === next.speaker)
      && current.length < MAX_PARTS;
    if (!continues) {
      groups.push(current);
      current = [];
    }
  });
  return groups;
}
