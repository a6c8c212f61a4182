/**
 * Text cut into clauses at punctuation, each with the kind of punctuation that ended it, the
 * way espeak-ng cuts it before it turns text into phonemes. Neural voices trained on espeak-ng
 * phonemes (Piper, Kokoro) were trained with the punctuation put back after each clause, and
 * speak a question as a question and pause at a comma because of it; espeak-ng's command line
 * prints a clause's phonemes but not what ended it, so dubarr cuts the clauses itself.
 *
 * Rules (espeak-ng's, simplified): a run of clause punctuation ends a clause when whitespace,
 * a closing quote or bracket, or the end of the text follows (so 3.5 and a,b stay whole);
 * CJK and Devanagari full stops end one even with no space after. Dashes end one too
 * (espeak-ng treats a spaced dash, and an ellipsis, as a semicolon). A full stop followed by a
 * lower-case word does not end a sentence ("e.g. this", "approx. ten"), as in espeak-ng.
 */

/** '' = the text ended without punctuation. */
export type ClauseEnd = '.' | '?' | '!' | ',' | ';' | ':' | '…' | '—' | '';

export interface Clause {
  /** The clause's words, punctuation that ended it removed, whitespace collapsed. */
  text: string;
  end: ClauseEnd;
  /** Ends a sentence ('.', '?', '!', or the end of the text). */
  sentenceEnd: boolean;
}

const KIND: Record<string, Exclude<ClauseEnd, ''>> = {
  '.': '.', '。': '.', '।': '.', '॥': '.', '．': '.',
  '?': '?', '？': '?', '؟': '?', '\u037e': '?',
  '!': '!', '！': '!',
  ',': ',', '，': ',', '、': ',', '،': ',',
  ';': ';', '；': ';', '؛': ';',
  ':': ':', '：': ':',
  '…': '…',
  // A dash between spaces ends a clause in espeak-ng (as a semicolon does).
  '—': '—', '–': '—',
};
/** Marks that end a clause with nothing after them (the scripts they belong to use no spaces). */
const NO_SPACE_NEEDED = new Set(['。', '？', '！', '，', '、', '；', '：', '．']);
const CLOSERS = /^["'”’»)\]}」』]*/u;
const SPEAKABLE = /[\p{L}\p{N}]/u;

/** The kind of a run of marks: '?!' asks, '!!' exclaims, '...' trails off. */
function runKind(run: string): Exclude<ClauseEnd, ''> {
  const kinds = [...run].map((c) => KIND[c]!);
  if (kinds.includes('?')) return '?';
  if (kinds.includes('!')) return '!';
  if (kinds.includes('…') || kinds.filter((k) => k === '.').length > 1) return '…';
  return kinds[0]!;
}

export function splitClauses(input: string): Clause[] {
  const text = input.replace(/\s+/gu, ' ').trim();
  const clauses: Clause[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    if (!(text[i]! in KIND)) { i++; continue; }
    let j = i;
    while (j < text.length && text[j]! in KIND) j++;
    const run = text.slice(i, j);
    const closers = CLOSERS.exec(text.slice(j))![0];
    const after = j + closers.length;
    const boundary = after >= text.length || text[after] === ' ' || NO_SPACE_NEEDED.has(run.at(-1)!);
    const kind = runKind(run);
    // "e.g. this": a full stop before a lower-case word is an abbreviation, not an end.
    const abbreviation = kind === '.' && /^ ?\p{Ll}/u.test(text.slice(after));
    if (!boundary || abbreviation) { i = j; continue; }
    push(clauses, text.slice(start, i) + closers, kind);
    start = i = after;
  }
  push(clauses, text.slice(start), '');
  return clauses;
}

function push(clauses: Clause[], raw: string, end: ClauseEnd): void {
  const text = raw.trim();
  // A clause with nothing to say (a lone dash between two marks) has no phonemes to end.
  if (SPEAKABLE.test(text)) clauses.push({ text, end, sentenceEnd: isSentenceEnd(end) });
}

const isSentenceEnd = (end: ClauseEnd) => end === '.' || end === '?' || end === '!' || end === '';
