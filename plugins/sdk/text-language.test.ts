import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkLines, ENOUGH_LETTERS, identifyTextLanguage } from './text-language.js';

// Dialogue written for this test; the confusable Iberian languages and short lines are the point.
const DIALOGUE: Record<string, string[]> = {
  en: ['I thought you left town.', 'Not yet. I had to see her first.', 'She does not want to see you.', 'Then I will wait outside.', 'Suit yourself.', 'It is going to rain tonight.'],
  es: ['Pensaba que te habías ido.', 'Todavía no. Tenía que verla antes.', 'Ella no quiere verte.', 'Entonces esperaré fuera.', 'Como quieras.', 'Esta noche va a llover.'],
  ca: ['Em pensava que te n\'havies anat.', 'Encara no. Primer l\'havia de veure.', 'Ella no et vol veure.', 'Doncs esperaré a fora.', 'Com vulguis.', 'Aquesta nit plourà.'],
  pt: ['Pensei que te tinhas ido embora.', 'Ainda não. Tinha de a ver primeiro.', 'Ela não te quer ver.', 'Então espero lá fora.', 'Como queiras.', 'Esta noite vai chover.'],
  de: ['Ich dachte, du bist abgereist.', 'Noch nicht. Ich musste sie erst sehen.', 'Sie will dich nicht sehen.', 'Dann warte ich draußen.', 'Wie du willst.', 'Heute Nacht wird es regnen.'],
  fr: ['Je croyais que tu étais parti.', 'Pas encore. Je devais la voir d\'abord.', 'Elle ne veut pas te voir.', 'Alors j\'attendrai dehors.', 'Comme tu veux.', 'Il va pleuvoir ce soir.'],
  it: ['Pensavo che fossi partito.', 'Non ancora. Dovevo vederla prima.', 'Lei non vuole vederti.', 'Allora aspetterò fuori.', 'Come vuoi.', 'Stanotte pioverà.'],
};

test('subtitle dialogue in each supported language is identified with high confidence', async () => {
  for (const [language, lines] of Object.entries(DIALOGUE)) {
    const g = await identifyTextLanguage(lines);
    assert.equal(g.language, language, `${language}: ${JSON.stringify(g.shares)}`);
    assert.ok(g.confidence >= 0.8, `${language}: confidence ${g.confidence}`);
    assert.match(g.identifier, /^eld /);
  }
});

test('confidence drops for mixed text and for too little text; no text, no language', async () => {
  const mixed = await identifyTextLanguage([...DIALOGUE.en!, ...DIALOGUE.es!]);
  assert.ok(mixed.confidence <= 0.6, `mixed: ${mixed.confidence} ${JSON.stringify(mixed.shares)}`);
  assert.deepEqual(new Set(mixed.shares.slice(0, 2).map((s) => s.language)), new Set(['en', 'es']));
  const short = await identifyTextLanguage(['Where were you last night?']);
  assert.equal(short.language, 'en');
  assert.ok(short.confidence < 0.5 && short.identifiedLetters < ENOUGH_LETTERS, `short: ${short.confidence}`);
  for (const nothing of [[], [''], ['♪ ♪', '1234', '...']]) {
    const g = await identifyTextLanguage(nothing);
    assert.deepEqual([g.language, g.confidence, g.letters], [undefined, 0, 0], JSON.stringify(nothing));
  }
});

test('lines are joined into chunks of a few words before identification', () => {
  assert.deepEqual(chunkLines(['Hi there.', 'How are you doing today, my dear old friend?', '♪', 'Fine.']), ['Hi there. How are you doing today, my dear old friend?', 'Fine.']);
});
