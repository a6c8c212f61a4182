/**
 * A unit's Kokoro input: each clause's phonemes followed by its punctuation (Kokoro reads
 * ",", "?", "…" and "—" as symbols of their own), clauses separated by a space, as ids of the
 * model's vocabulary; a symbol the vocabulary lacks is left out (and counted). The model
 * takes at most 510 phonemes a run, so a longer unit is cut into runs: whole sentences where
 * they fit, else whole clauses, else at a word.
 */
import type { Clause, ClauseEnd } from '../sdk/speech-clauses.js';

export const MAX_PHONEMES = 510;

const PUNCTUATION: Record<ClauseEnd, string> = { '.': '.', '?': '?', '!': '!', ',': ',', ';': ';', ':': ':', '…': '…', '—': '—', '': '' };

export interface KokoroTokens {
  /** Runs of ids (without the pads), each at most `max` long. */
  runs: number[][];
  /** Symbols the vocabulary has no id for, with counts. */
  missing: Map<string, number>;
}

export function kokoroTokens(clauses: readonly Clause[], phonemes: readonly string[], vocab: ReadonlyMap<string, number>, max = MAX_PHONEMES): KokoroTokens {
  const missing = new Map<string, number>();
  const space = vocab.get(' ');
  const idsOf = (text: string) => Array.from(text).flatMap((ch) => {
    const id = vocab.get(ch);
    if (id === undefined) { missing.set(ch, (missing.get(ch) ?? 0) + 1); return []; }
    return [id];
  });
  // Clause ids, grouped by sentence; a space between clauses.
  const sentences: number[][][] = [[]];
  clauses.forEach((c, i) => {
    const ids = idsOf(phonemes[i]! + PUNCTUATION[c.end]);
    if (ids.length) sentences.at(-1)!.push(ids);
    if (c.sentenceEnd) sentences.push([]);
  });
  const runs: number[][] = [];
  let run: number[] = [];
  const flush = () => { if (run.length) runs.push(run); run = []; };
  const add = (piece: number[]) => {
    const joined = run.length && space !== undefined ? [...run, space, ...piece] : [...run, ...piece];
    if (joined.length <= max) { run = joined; return; }
    flush();
    if (piece.length <= max) { run = piece; return; }
    for (const part of cutAtSpaces(piece, space, max)) { flush(); run = part; }
  };
  for (const sentence of sentences.filter((s) => s.length)) {
    const whole = sentence.flatMap((ids, k) => (k && space !== undefined ? [space, ...ids] : ids));
    if (whole.length <= max) add(whole);
    else for (const clause of sentence) add(clause);
  }
  flush();
  return { runs, missing };
}

/** A clause longer than a run, cut at the last space that fits (or anywhere, if none does). */
function cutAtSpaces(ids: number[], space: number | undefined, max: number): number[][] {
  const parts: number[][] = [];
  let rest = ids;
  while (rest.length > max) {
    const at = space === undefined ? -1 : rest.lastIndexOf(space, max);
    const cut = at > 0 ? at : max;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(at > 0 ? cut + 1 : cut);
  }
  if (rest.length) parts.push(rest);
  return parts;
}
