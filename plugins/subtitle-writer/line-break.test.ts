import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionWords } from './function-words.js';
import { breakLines, wrapGreedy } from './line-break.js';
import { splitToFit } from './fit-text.js';

const rules = (language = 'en', maxLines = 2) => ({ maxLineChars: 42, maxLines, words: functionWords(language) });

test('breakLines: one line when it fits, else balanced lines at natural points', () => {
  const table: Array<[what: string, text: string, expected: string[] | undefined, language?: string]> = [
    ['fits on one line', 'Short line.', ['Short line.']],
    ['exactly 42 characters stay one line', 'a'.repeat(20) + ' ' + 'b'.repeat(21), ['a'.repeat(20) + ' ' + 'b'.repeat(21)]],
    ['after punctuation', 'I went to the market yesterday, and I bought some apples.', ['I went to the market yesterday,', 'and I bought some apples.']],
    ['before a preposition, not after an article', 'We should probably leave before the rain starts to fall on us',
      ['We should probably leave', 'before the rain starts to fall on us']],
    ['no one-word orphan when avoidable', 'All we ever worked for is gone now. Forever.', ['All we ever worked', 'for is gone now. Forever.']],
    ['Spanish: before "a", never after "la"', 'Mañana vamos a ir todos juntos a la playa con los niños',
      ['Mañana vamos a ir todos juntos', 'a la playa con los niños'], 'es'],
    ['whitespace normalised', '  Hello \n  world  ', ['Hello world']],
    ['too long for two lines', 'word '.repeat(20).trim(), undefined],
    ['a word longer than a line', 'x'.repeat(50), undefined],
  ];
  for (const [what, text, expected, language] of table) assert.deepEqual(breakLines(text, rules(language)), expected, what);
});

test('breakLines honours maxLines and never exceeds the line length', () => {
  const text = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen';
  assert.equal(breakLines(text, rules('en', 2)), undefined);
  const three = breakLines(text, rules('en', 3))!;
  assert.equal(three.length, 3);
  assert.equal(three.join(' '), text);
  for (const l of three) assert.ok(l.length <= 42, l);
});

test('splitToFit: text too long for one cue becomes parts that each fit, cut after sentences first', () => {
  const text = 'This is the first sentence, and it is long enough on its own to fill a line. '
    + 'Here comes a second one that also needs quite a lot of room. And a third, short one.';
  const parts = splitToFit(text, rules());
  assert.ok(parts.length >= 2);
  assert.equal(parts.join(' '), text);
  for (const p of parts) assert.ok(breakLines(p, rules()), `does not fit: ${p}`);
  assert.match(parts[0]!, /line\.$/);
  // A word that can never fit stays whole rather than looping or being cut.
  assert.deepEqual(splitToFit(`tiny ${'x'.repeat(90)} end`, rules()), ['tiny', 'x'.repeat(90), 'end']);
  assert.deepEqual(wrapGreedy('aa bb cc', 5), ['aa bb', 'cc']);
});
