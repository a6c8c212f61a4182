/**
 * Kokoro-82M's phonemes from espeak-ng's. Kokoro v1.0 was trained on misaki's phoneme set:
 * espeak-ng IPA for Spanish, French, Hindi, Italian and Brazilian Portuguese (misaki runs
 * espeak-ng for those), and for English a lexicon whose symbols differ from espeak-ng's in a
 * known way (diphthongs and affricates written as one letter: "eɪ" is "A", "tʃ" is "ʧ"; "r"
 * is "ɹ"; American English without length marks). espeak-ng is asked to tie the letters of one
 * phoneme ('^': "e^ɪ"), so a diphthong is told apart from two vowels side by side, and the
 * rewrites below turn its output into those symbols. Japanese and Chinese voices were trained
 * on phonemes from other tools (pyopenjtalk, pypinyin), so those languages are not offered.
 */

/** Languages Kokoro speaks from espeak-ng phonemes, by the first letter of a voice's name. */
export const KOKORO_LANGUAGES: Readonly<Record<string, { language: string; espeak: string }>> = {
  a: { language: 'en', espeak: 'en-us' },
  b: { language: 'en', espeak: 'en-gb' },
  e: { language: 'es', espeak: 'es' },
  f: { language: 'fr', espeak: 'fr-fr' },
  h: { language: 'hi', espeak: 'hi' },
  i: { language: 'it', espeak: 'it' },
  p: { language: 'pt', espeak: 'pt-br' },
};

export const TIE = '^';

type Rewrite = readonly [from: string, to: string];

/** Every language: tied diphthongs and affricates to Kokoro's single letters. */
const SHARED: readonly Rewrite[] = [
  ['a^ɪ', 'I'], ['a^ʊ', 'W'], ['e^ɪ', 'A'], ['o^ʊ', 'O'], ['ə^ʊ', 'Q'], ['ɔ^ɪ', 'Y'],
  ['d^z', 'ʣ'], ['d^ʒ', 'ʤ'], ['t^s', 'ʦ'], ['t^ʃ', 'ʧ'], ['s^s', 'S'],
];

/** English: espeak-ng's symbols to those of Kokoro's English lexicon. */
const ENGLISH: readonly Rewrite[] = [
  // A glottal stop before a syllabic n is a t ("button").
  ['ʔˌn\u0329', 'tᵊn'], ['ʔn\u0329', 'tᵊn'], ['ʔn', 'tᵊn'], ['ʔ', 't'],
  ['ə^l', 'ᵊl'], ['e', 'A'],
  // Palatalized consonants: the glide is a j before o and ə, else nothing.
  ['ʲo', 'jo'], ['ʲə', 'jə'], ['ʲ', ''],
  ['ɚ', 'əɹ'], ['r', 'ɹ'], ['x', 'k'], ['ç', 'k'], ['ɐ', 'ə'], ['ɬ', 'l'], ['\u0303', ''],
];
const AMERICAN: readonly Rewrite[] = [['ɜːɹ', 'ɜɹ'], ['ɜː', 'ɜɹ'], ['ɪə', 'iə'], ['ː', '']];
const BRITISH: readonly Rewrite[] = [['e^ə', 'ɛː'], ['iə', 'ɪə']];

/** Longest first, so "e^ɪ" is rewritten before "e". */
const byLength = (rules: readonly Rewrite[]) => [...rules].sort((a, b) => b[0].length - a[0].length);
const RULES = {
  'en-us': byLength([...SHARED, ...ENGLISH, ...AMERICAN]),
  'en-gb': byLength([...SHARED, ...ENGLISH, ...BRITISH]),
  other: byLength(SHARED),
};

/** One clause's espeak-ng IPA (tied with '^') in Kokoro's symbols. */
export function kokoroPhonemes(ipa: string, espeakVoice: string): string {
  const english = espeakVoice === 'en-us' || espeakVoice === 'en-gb';
  let s = ipa;
  for (const [from, to] of english ? RULES[espeakVoice] : RULES.other) s = s.split(from).join(to);
  if (english) {
    // A syllabic consonant is a reduced vowel before it ("ᵊn"); espeak-ng 1.51 writes "o"
    // where Kokoro's English lexicon has "ɔ" (newer espeak-ng writes "ɔ" itself).
    s = s.replace(/(\S)\u0329/gu, 'ᵊ$1').replace(/o/gu, 'ɔ');
  }
  // Ties left over join letters Kokoro writes separately ("ɛ^ɹ"). Symbols not in Kokoro's
  // vocabulary (a hyphen espeak-ng puts in compounds) are dropped when tokenizing.
  return s.split(TIE).join('');
}
