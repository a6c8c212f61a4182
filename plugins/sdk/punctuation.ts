/**
 * Where text may be cut: after a sentence, after a clause, or only between words. Covers
 * the Latin-script conventions dubbing meets: « » and curly quotes closing a sentence,
 * Spanish ¿ ¡ opening one, '…' / '...' trailing off (a thought that goes on, not an end).
 */
export type BoundaryKind = 'sentence' | 'clause' | 'word';

const CLOSERS = `"'»”’)\\]›」』`;
const SENTENCE_END = new RegExp(`[.!?。！？‽][${CLOSERS}]*$`);
const ELLIPSIS_END = new RegExp(`(?:\\.\\.\\.|…)[${CLOSERS}]*$`);
const CLAUSE_END = new RegExp(`[,;:，；：][${CLOSERS}]*$`);
const DASH = /^[-–—]+$/;

/** Words whose full stop is not a sentence end ('Mr. Smith', 'Sra. García'). */
const ABBREVIATIONS = new Set(
  'mr mrs ms dr st sr jr prof vs etc approx dept gen gov lt col capt sgt rev sra srta dña dra lic ud uds mme mlle hr p.ej e.g i.e'.split(' '),
);

export function endsSentence(text: string): boolean {
  const t = text.trimEnd();
  if (ELLIPSIS_END.test(t) || !SENTENCE_END.test(t)) return false;
  const last = t.slice(t.lastIndexOf(' ') + 1).replace(new RegExp(`[${CLOSERS}]+$`), '');
  if (!last.endsWith('.')) return true;
  const word = last.slice(0, -1).replace(/^[¿¡«“"'(]+/, '').toLowerCase();
  // A single letter is an initial ('J. R. R. Tolkien').
  return !(ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word));
}

/** The kind of cut between `left` (a word with its punctuation) and the word `right`. */
export function boundaryKind(left: string, right: string): BoundaryKind {
  if (endsSentence(left)) return 'sentence';
  if (CLAUSE_END.test(left) || ELLIPSIS_END.test(left) || DASH.test(left) || DASH.test(right) || /^[¿¡]/.test(right)) return 'clause';
  return 'word';
}

/** 'I was going to...' + '...tell you' reads as one sentence once the ellipses go. */
export function joinText(a: string, b: string): string {
  const trailing = /(?:\.\.\.|…)$/;
  const leading = /^(?:\.\.\.|…)\s*/;
  if (trailing.test(a) && leading.test(b)) return `${a.replace(trailing, '')} ${b.replace(leading, '')}`;
  return `${a} ${b}`;
}
