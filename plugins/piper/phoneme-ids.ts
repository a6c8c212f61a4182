/**
 * Piper's input, as piper-phonemize and piper's phonemes_to_ids make it: espeak-ng's IPA per
 * clause, Unicode-decomposed (NFD: "ç" is "c" + combining cedilla, each a phoneme of its own),
 * each clause followed by its punctuation (",", ";" and ":" with a space after; an ellipsis or
 * a dash as ";", which is what espeak-ng makes of them), one sentence per run of the model;
 * then ids: BOS "^", a PAD "_" after it and after every phoneme, EOS "$". A phoneme the voice
 * has no id for is left out (and reported).
 */
import type { Clause, ClauseEnd } from '../sdk/speech-clauses.js';
import type { PiperConfig } from './voice-config.js';

const END_PHONEMES: Record<ClauseEnd, readonly string[]> = {
  '.': ['.'], '?': ['?'], '!': ['!'],
  ',': [',', ' '], ';': [';', ' '], ':': [':', ' '], '…': [';', ' '], '—': [';', ' '],
  '': [],
};

/** The phonemes of each sentence: clauses' IPA (one string per clause) with their punctuation. */
export function piperSentences(clauses: readonly Clause[], ipa: readonly string[]): string[][] {
  const sentences: string[][] = [];
  let current: string[] = [];
  const close = () => {
    // A sentence with only punctuation in it has nothing to say.
    if (current.some((p) => /[^\s.,;:!?]/u.test(p))) sentences.push(current);
    current = [];
  };
  clauses.forEach((clause, i) => {
    current.push(...Array.from(ipa[i]!.normalize('NFD')), ...END_PHONEMES[clause.end]);
    if (clause.sentenceEnd) close();
  });
  close();
  return sentences;
}

export interface PhonemeIds {
  ids: number[];
  /** Phonemes the voice has no id for, with how often they were left out. */
  missing: Map<string, number>;
}

export function phonemeIds(phonemes: readonly string[], config: Pick<PiperConfig, 'phoneme_id_map' | 'phoneme_map'>): PhonemeIds {
  const map = config.phoneme_id_map;
  const pad = map['_']!;
  const ids = [...map['^']!, ...pad];
  const missing = new Map<string, number>();
  for (const phoneme of phonemes) {
    for (const p of config.phoneme_map[phoneme] ?? [phoneme]) {
      const mapped = map[p];
      if (!mapped) { missing.set(p, (missing.get(p) ?? 0) + 1); continue; }
      ids.push(...mapped, ...pad);
    }
  }
  ids.push(...map['$']!);
  return { ids, missing };
}
