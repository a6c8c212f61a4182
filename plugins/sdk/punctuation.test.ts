import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundaryKind, endsSentence, joinText } from './punctuation.js';

test('endsSentence: full stops, question and exclamation marks, closing quotes; not abbreviations or trailing off', () => {
  const table: Array<[string, boolean]> = [
    ['Hello.', true], ['Really?', true], ['Stop!', true], ['¿Vienes?', true], ['¡Claro!', true],
    ['Dijo «no».', true], ['Dijo «no.»', true], ['He said "go."', true], ['He said “go.”', true], ['(Yes.)', true],
    ['I was going to...', false], ['Pues…', false], ['«Pues…»', false],
    ['Hello', false], ['Hello,', false], ['Wait;', false], ['Listen:', false],
    ['Mr.', false], ['I saw Dr.', false], ['Sra.', false], ['J.', false], ['etc.', false],
    ['The end. ', true], ['', false],
  ];
  for (const [text, expected] of table) assert.equal(endsSentence(text), expected, JSON.stringify(text));
});

test('boundaryKind: sentence, clause (, ; : … dashes ¿ ¡), else word', () => {
  const table: Array<[string, string, string]> = [
    ['home.', 'Then', 'sentence'], ['casa.»', 'Después', 'sentence'], ['hours,', 'and', 'clause'], ['this;', 'that', 'clause'],
    ['thought…', 'maybe', 'clause'], ['thought...', 'maybe', 'clause'], ['said', '—', 'clause'], ['—', 'and', 'clause'],
    ['Oye', '¿vienes?', 'clause'], ['mira', '¡ahí!', 'clause'], ['«Hola,»', 'dijo', 'clause'],
    ['Mr.', 'Smith', 'word'], ['the', 'river', 'word'], ['dijo', '«no»', 'word'],
  ];
  for (const [l, r, kind] of table) assert.equal(boundaryKind(l, r), kind, `${l} | ${r}`);
});

test('joinText drops the ellipses of a sentence carried over two cues', () => {
  assert.equal(joinText('I was going to...', '...tell you.'), 'I was going to tell you.');
  assert.equal(joinText('Iba a…', '…decírtelo.'), 'Iba a decírtelo.');
  assert.equal(joinText('Wait...', 'What?'), 'Wait... What?');
  assert.equal(joinText('Yes.', 'No.'), 'Yes. No.');
});
