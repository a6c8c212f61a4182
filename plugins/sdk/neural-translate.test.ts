import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sentenceGroups } from './mt-context.js';
import { numberPlaceholders } from './mt-placeholders.js';
import { translateUnits, type Translator } from './neural-translate.js';
import type { StageContext } from './plugin.js';
import { UNMETERED } from './cost.js';
import { outputOf } from './testing.js';
import type { Transcript } from './artifacts.js';
import { compileGlossary } from './glossary.js';

// Model behaviours the stage must survive, as translators that misbehave in one known way (the
// tiny ONNX models in the providers' tests copy placeholders faithfully).

/** Upper-cases words: a "translation" whose output is easy to predict. */
const upper = (t: string) => t.toUpperCase();

function recording(translate: (t: string) => string): Translator & { sent: string[][] } {
  const sent: string[][] = [];
  return {
    sent,
    async translate(texts, done) {
      sent.push([...texts]);
      done(texts.length);
      return texts.map(translate);
    },
  };
}

function context(): StageContext & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  const log = { debug() {}, info() {}, error() {}, warn: (o: unknown) => warnings.push(o) };
  return { signal: new AbortController().signal, cancelFlag: new Int32Array(1), log, progress() {}, workDir: '/nonexistent', parallelism: 1, cost: UNMETERED, warnings };
}

const transcript = (texts: string[], gap = 100): Transcript => ({
  language: 'en', source: { kind: 'asr', provider: 'test' },
  segments: texts.map((text, i) => ({ id: `u${i}`, start: i * (1000 + gap), end: i * (1000 + gap) + 1000, text })),
});

async function run(t: Translator, texts: string[], options: { glossary?: Array<{ term: string; translation?: string }>; context?: 'sentence' | 'none' } = {}, ctx = context()) {
  const input = { options: {}, params: { targetLanguage: 'es' }, inputs: { units: outputOf({}, transcript(texts)) } };
  const r = await translateUnits(input, ctx, {
    provider: 'fake', stageId: 'fake:translate', options: { glossary: options.glossary ?? [], context: options.context ?? 'sentence' },
    open: async () => t,
  });
  return r.data.segments.map((s) => s.target);
}

test('number placeholders: a leading digit no three-digit number of the text has; the separator is not a placeholder', () => {
  const m = numberPlaceholders(['room 700 and 401', 'in 1999'])!;
  assert.equal(m.style.make(0), '800');
  assert.equal(m.separator, '899');
  const g = compileGlossary([{ term: 'Smith' }], m.style);
  const p = g.protect('Mr. Smith lives at 700');
  assert.equal(p.text, 'Mr. 800 lives at 700');
  assert.deepEqual(g.restore('Sr. 800 vive en 700 899 y 8000', p), { text: 'Sr. Smith vive en 700 899 y 8000', missing: [] });
  assert.deepEqual(m.split('uno 899 dos  899tres'), ['uno', 'dos', 'tres']);
  assert.equal(numberPlaceholders(['100 200 300 400 500 600 700 800 900']), undefined);
});

test('sentence groups: joined until a sentence ends, the speaker changes, a pause, or four parts', () => {
  const u = (text: string, start: number, speaker?: string) => ({ text, start, end: start + 1000, speaker });
  assert.deepEqual(sentenceGroups([u('I told him', 0, 'A'), u('that he should go.', 1100, 'A'), u('Fine', 2200, 'A'), u('ok', 3300, 'B')]), [[0, 1], [2], [3]]);
  assert.deepEqual(sentenceGroups([u('so', 0), u('then', 4000)]), [[0], [1]], 'a long pause ends the utterance');
  assert.deepEqual(sentenceGroups([u('a', 0), u('b', 1000), u('c', 2000), u('d', 3000), u('e', 4000)]), [[0, 1, 2, 3], [4]]);
  assert.deepEqual(sentenceGroups([u('Really?"', 0), u('yes', 1000)]), [[0], [1]], 'a question mark before a closing quote ends it');
});

test('joined units come back split at the separators; a model that loses them gets the units one by one', async () => {
  const faithful = recording(upper);
  assert.deepEqual(await run(faithful, ['I told him', 'that he should go.', 'Fine.']), ['I TOLD HIM', 'THAT HE SHOULD GO.', 'FINE.']);
  assert.deepEqual(faithful.sent, [['I told him 799 that he should go.', 'Fine.']]);

  const loses = recording((t) => upper(t.replace(/\s*799\s*/g, ' ')));
  assert.deepEqual(await run(loses, ['I told him', 'that he should go.', 'Fine.']), ['I TOLD HIM', 'THAT HE SHOULD GO.', 'FINE.']);
  assert.deepEqual(loses.sent, [['I told him 799 that he should go.', 'Fine.'], ['I told him', 'that he should go.']]);

  const none = recording(upper);
  await run(none, ['I told him', 'that he should go.'], { context: 'none' });
  assert.deepEqual(none.sent, [['I told him', 'that he should go.']]);
});

test('glossary: a unit whose placeholder the model drops is translated again with its terms written in', async () => {
  // Drops every number: placeholders vanish, terms written as words survive.
  const dropsNumbers = recording((t) => upper(t).replace(/\s*\d+/g, ''));
  const glossary = [{ term: 'Smith' }, { term: 'house', translation: 'mansión' }];
  const ctx = context();
  assert.deepEqual(await run(dropsNumbers, ['Smith is home.', 'The house is big.', 'No terms here.'], { glossary }, ctx),
    ['SMITH IS HOME.', 'THE MANSIÓN IS BIG.', 'NO TERMS HERE.']);
  assert.deepEqual(dropsNumbers.sent, [['700 is home.', 'The 700 is big.', 'No terms here.'], ['Smith is home.', 'The mansión is big.']]);
  assert.deepEqual(ctx.warnings, [], 'every term came back in the second run');

  // Drops placeholders and rewrites the inlined term too: the unit says which term is missing.
  const rewrites = recording((t) => upper(t).replace(/\s*\d+/g, '').replace('SMITH', 'HERRERO'));
  const ctx2 = context();
  assert.deepEqual(await run(rewrites, ['Smith is home.'], { glossary }, ctx2), ['HERRERO IS HOME.']);
  assert.deepEqual(ctx2.warnings, [{ segment: 'u0', lost: ['Smith'] }]);
});
