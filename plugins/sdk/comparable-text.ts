/**
 * Text as it is compared (word error rates, matching timed words to text, typo suggestions),
 * not as it is shown: one normalisation for all of them, so two pieces of code never disagree
 * about whether two words are the same.
 *
 * - NFKC: composed and compatibility forms are one ('e\u0301' = 'é', 'ﬁ' = 'fi', full-width
 *   'Ａ' = 'A', '²' = '2').
 * - Full case folding, approximated as upper- then lower-casing, which also folds what
 *   toLowerCase alone keeps apart ('Straße' = 'STRASSE', final 'ς' = 'σ').
 * - Apostrophes in all their forms (’ ‘ ʼ ＇ `) are one, and belong to a word only inside it
 *   ("don't"); quotes around a word are not part of it.
 * - Everything else that is not a letter, a combining mark or a digit separates words, Unicode
 *   punctuation included (¿¡«»“”…、。).
 * - Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar) count
 *   one character (with its combining marks) as one word: the usual character error rate for
 *   them, and no dictionary whose version could change a result.
 */
const APOSTROPHES = /[\u2018\u2019\u02BC\uFF07`\u00B4]/g;
const WORD = /[\p{L}\p{M}\p{N}']+/gu;
const UNSPACED = '\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Thai}\\p{scx=Lao}\\p{scx=Khmer}\\p{scx=Myanmar}';
const HAS_UNSPACED = new RegExp(`[${UNSPACED}]`, 'u');
const UNSPACED_PARTS = new RegExp(`[${UNSPACED}]\\p{M}*|[^${UNSPACED}]+`, 'gu');

/** NFKC and full case folding: the form in which two spellings of a word are equal. */
export function foldCase(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** The words of a text as compared: folded, punctuation dropped, apostrophes unified. */
export function comparableWords(text: string): string[] {
  const words: string[] = [];
  for (const [match] of foldCase(text).replace(APOSTROPHES, "'").matchAll(WORD)) {
    const word = match.replace(/^'+|'+$/g, '');
    if (!word) continue;
    if (HAS_UNSPACED.test(word)) for (const [part] of word.matchAll(UNSPACED_PARTS)) words.push(part.replace(/^'+|'+$/g, ''));
    else words.push(word);
  }
  return words.filter(Boolean);
}

/**
 * The letters and digits of a text, folded, with no separators at all: for matching a written
 * token ("New-York's") against recognizer words that spell it in pieces ("new", "york", "s").
 */
export function spellingKey(text: string): string {
  return comparableWords(text).join('').replace(/'/g, '');
}
