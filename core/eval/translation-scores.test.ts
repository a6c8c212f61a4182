import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusBleu, tokenize13a } from './bleu.js';
import { corpusChrf } from './chrf.js';

// Expected values: sacreBLEU 2.6.0, corpus_bleu / corpus_chrf with their defaults, on the same
// sentences (computed once outside the suite; sacreBLEU is the reference implementation).
const spanish = {
  hyp: ['El gato se sentó en la alfombra.', 'Mañana lloverá en la ciudad, dijo ella.', 'Tengo 3,5 kilos de manzanas.'],
  ref: ['El gato estaba sentado en la alfombra.', 'Ella dijo que mañana lloverá en la ciudad.', 'Tengo 3,5 kilos de manzanas.'],
};
const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

test('corpus BLEU equals sacreBLEU\'s: counts summed over sentences, 13a tokens, exp smoothing, brevity penalty', () => {
  const b = corpusBleu(spanish.hyp, spanish.ref);
  near(b.score, 53.00230274615602);
  assert.deepEqual(b.precisions.map((p) => +p.toFixed(6)), [78.26087, 60, 47.058824, 35.714286]);
  assert.deepEqual([b.brevityPenalty, b.hypothesisLength, b.referenceLength], [1, 23, 23]);

  const punct = corpusBleu(['Hello, world! (It\'s 10-20 km/h.) "quoted" & more'], ['Hello world! It\'s 10-20 km/h. "quoted" &amp; more']);
  near(punct.score, 60.04981752197521);
  assert.deepEqual([punct.hypothesisLength, punct.referenceLength], [19, 16]);

  const short = corpusBleu(['the cat sat'], ['the cat sat on the mat']);
  assert.equal(short.score, 0, 'no 4-gram at all: BLEU-4 is 0');
  near(short.brevityPenalty, Math.exp(1 - 6 / 3));
  assert.equal(corpusBleu(['xyz'], ['the cat sat on the mat']).score, 0);
  near(corpusBleu(spanish.ref, spanish.ref).score, 100);
});

test('13a tokens split punctuation off words but keep numbers with their decimal comma or point whole', () => {
  assert.deepEqual(tokenize13a('Hello, world! (It\'s 10-20 km/h.) "quoted" & more'),
    ['Hello', ',', 'world', '!', '(', 'It\'s', '10', '-', '20', 'km', '/', 'h', '.', ')', '"', 'quoted', '"', '&', 'more']);
  assert.deepEqual(tokenize13a('Tengo 3,5 kilos.'), ['Tengo', '3,5', 'kilos', '.']);
});

test('corpus chrF equals sacreBLEU\'s chrF2', () => {
  near(corpusChrf(spanish.hyp, spanish.ref), 72.84110347952084);
  near(corpusChrf(['the cat sat'], ['the cat sat on the mat']), 49.59348409966008);
  near(corpusChrf(['Hello, world! (It\'s 10-20 km/h.) "quoted" & more'], ['Hello world! It\'s 10-20 km/h. "quoted" &amp; more']), 64.51402480964236);
  assert.equal(corpusChrf(['xyz'], ['the cat sat on the mat']), 0);
  near(corpusChrf(spanish.ref, spanish.ref), 100);
});
