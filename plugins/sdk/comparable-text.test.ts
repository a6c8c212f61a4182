import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparableWords, foldCase, spellingKey } from './comparable-text.js';

test('composed and decomposed accents, compatibility forms and case are one spelling', () => {
  assert.deepEqual(comparableWords('Canci\u00f3n'), comparableWords('CANCIO\u0301N'));
  assert.deepEqual(comparableWords('Ｆｕｌｌ ﬁne ²'), ['full', 'fine', '2']);
  assert.equal(foldCase('Straße'), foldCase('STRASSE'));
  assert.equal(foldCase('ΣΟΦΟΣ'), foldCase('σοφος'));
});

test('punctuation, Unicode punctuation included, separates words; apostrophes belong inside words only', () => {
  assert.deepEqual(comparableWords('¿Qué tal? «Bien», gracias… —dijo.'), ['qué', 'tal', 'bien', 'gracias', 'dijo']);
  assert.deepEqual(comparableWords('Don’t say ‘hello’, it\'s `late`'), ["don't", 'say', 'hello', "it's", 'late']);
  assert.deepEqual(comparableWords("l'homme d’État"), ["l'homme", "d'état"]);
  assert.deepEqual(comparableWords('--- ... !!'), []);
});

test('combining marks stay in their word (Devanagari, Arabic harakat)', () => {
  assert.deepEqual(comparableWords('नमस्ते दुनिया।'), ['नमस्ते', 'दुनिया']);
  assert.deepEqual(comparableWords('كَتَبَ الوَلَدُ'), ['كَتَبَ', 'الوَلَدُ']);
});

test('scripts written without spaces count one character as one word; mixed text keeps its Latin words', () => {
  assert.deepEqual(comparableWords('我们去北京。'), ['我', '们', '去', '北', '京']);
  assert.deepEqual(comparableWords('東京タワーへ行く'), ['東', '京', 'タ', 'ワ', 'ー', 'へ', '行', 'く']);
  assert.deepEqual(comparableWords('iPhone发布会'), ['iphone', '发', '布', '会']);
  // A Thai consonant keeps its combining vowel and tone marks.
  assert.deepEqual(comparableWords('ที่กิน'), ['ที่', 'กิ', 'น']);
});

test('the spelling key joins a written token so recognizer pieces can spell it', () => {
  assert.equal(spellingKey("New-York’s"), 'newyorks');
  assert.equal(['new', 'york', "'s"].map(spellingKey).join(''), 'newyorks');
  assert.equal(spellingKey('…'), '');
});
