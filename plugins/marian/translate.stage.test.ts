import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTinyMarian } from '../../test/fixtures/tiny-translators.js';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, Translation, type StageParams, type Transcript } from '../sdk/index.js';
import { setModelsDir } from '../sdk/models.js';
import { onnxSessionsCreated } from '../sdk/onnx-session.js';
import { findStage, outputOf, runStageForTest, type TestRun } from '../sdk/testing.js';
import plugin from './index.js';

// The tiny opus-mt model (test/fixtures/onnx/translate_tiny.py) translates English words to
// Spanish ones by a table, copies what it does not know letter by letter, and repeats the
// output two tokens back for "again"; installed as opus-mt-en-es in a models dir of our own.
const models = await mkdtemp(join(tmpdir(), 'dubarr-marian-models-'));
setModelsDir(models);
await installTinyMarian(models);
after(() => rm(models, { recursive: true, force: true }));

const def = findStage(plugin, 'marian:translate');

const units: Transcript = {
  language: 'en',
  source: { kind: 'asr', provider: 'test' },
  segments: [
    { id: 'u1', start: 1000, end: 2500, text: 'The house is big.', speaker: 'A', words: [{ start: 1000, end: 1300, text: 'The' }] },
    { id: 'u2', start: 3000, end: 4200, text: 'my dog\nsleeps in the garden.', speaker: 'B' },
    { id: 'u3', start: 4200, end: 4300, text: '  ' },
    { id: 'u4', start: 5000, end: 7000, text: 'hello Zorblax, my friend.' },
  ],
};

const inputOf = (t: Transcript, params: StageParams = { targetLanguage: 'es' }, options: object = {}) =>
  ({ options, params, inputs: { units: outputOf({}, t) } });

async function translateRun(t: Transcript, params?: StageParams, options?: object): Promise<TestRun<Translation>> {
  const run = await runStageForTest<Translation>(def, inputOf(t, params, options));
  await rm(run.workDir, { recursive: true, force: true });
  return run;
}
const translate = async (t: Transcript, params?: StageParams, options?: object) => Translation.parse((await translateRun(t, params, options)).result.data);
const targets = async (texts: string[], options: object = {}, params?: StageParams) =>
  (await translate({ ...units, segments: texts.map((text, i) => ({ id: `s${i}`, start: i * 3000, end: i * 3000 + 1000, text, speaker: `S${i}` })) }, params, options))
    .segments.map((s) => s.target);

contractSuite({
  plugin,
  stage: 'marian:translate',
  invalidOptions: { beams: 0 },
  unavailableOptions: { model: '/nonexistent/opus-mt-en-es' },
  validInput: async () => inputOf(units),
  corruptInput: async () => ({ options: {}, params: { targetLanguage: 'es' }, inputs: { units: outputOf({}, { segments: 'garbage' }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => inputOf({
    ...units,
    segments: Array.from({ length: 300 }, (_, i) => ({ id: `l${i}`, start: i * 3000, end: i * 3000 + 900, text: 'My brother works at the hospital near the river.' })),
  }),
  check(run) {
    const t = Translation.parse(run.result.data);
    assert.deepEqual([t.sourceLanguage, t.targetLanguage, t.provider], ['en', 'es', 'marian']);
    // Ids, timings, speakers and words come through untouched; only `target` is added.
    assert.deepEqual(t.segments.map(({ target: _, ...rest }) => rest), units.segments);
    assert.deepEqual(t.segments.map((s) => s.target), ['The casa es grande.', 'mi perro duerme en el jardín.', '', 'hola Zorblax, mi amigo.']);
  },
});

test('available() lists the pair of every installed opus-mt model; a job uses the model of its pair', async () => {
  const second = await mkdtemp(join(tmpdir(), 'dubarr-marian-two-'));
  try {
    setModelsDir(second);
    assert.equal((await plugin.available!(plugin.options.parse({}))).ok, false);
    assert.match((await plugin.available!(plugin.options.parse({}))).reason!, /dubarr models pull opus-mt-en-es/);
    await installTinyMarian(second, 'opus-mt-en-es', ['en', 'es']);
    await installTinyMarian(second, 'opus-mt-en-de', ['en', 'de']);
    const a = await plugin.available!(plugin.options.parse({}));
    assert.equal(a.ok, true);
    assert.deepEqual(a.languages?.pairs, [['en', 'de'], ['en', 'es']]);
    assert.equal((await plugin.engine!(plugin.options.parse({}), { sourceLanguage: 'en', targetLanguage: 'de' })).model, 'opus-mt-en-de');
    assert.equal((await plugin.engine!(plugin.options.parse({}), { sourceLanguage: 'eng', targetLanguage: 'es' })).model, 'opus-mt-en-es');
    assert.equal((await translate(units, { targetLanguage: 'de' })).targetLanguage, 'de');
    // `model` pins one model: only its pair.
    const pinned = await plugin.available!(plugin.options.parse({ model: 'opus-mt-en-de' }));
    assert.deepEqual(pinned.languages?.pairs, [['en', 'de']]);
  } finally {
    setModelsDir(models);
    await rm(second, { recursive: true, force: true });
  }
});

test('a pair no installed model translates: E_NO_PROVIDER naming the installed pairs and what to pull', async () => {
  await assert.rejects(translate(units, { targetLanguage: 'fr' }), (e: unknown) => {
    assert.ok(e instanceof DubarrError && e.code === 'E_NO_PROVIDER', String(e));
    assert.match(e.message, /en->es/);
    assert.match(e.message, /nllb|opus-mt-en-fr/);
    return true;
  });
  await assert.rejects(translate(units, { targetLanguage: 'es' }, { model: 'opus-mt-xx-yy' }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_MODEL_MISSING');
  await assert.rejects(translate(units, {}), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
});

test('batches of 8 give what one unit at a time gives; the ONNX sessions are made once', async () => {
  const texts = ['hello', 'the bank by river.', 'my brother works at the hospital near the river.', 'big dog.', 'hello friend again.',
    'the car is red.', 'my house.', 'Zorblax 77 is in the garden.', 'hello.'];
  await targets(['hello.']);
  const sessions = onnxSessionsCreated();
  const batched = await targets(texts, { batchSize: 8 });
  const alone = await targets(texts, { batchSize: 1 });
  assert.deepEqual(batched, alone);
  assert.deepEqual(batched, ['hola', 'el banco junto río.', 'mi hermano trabaja en el hospital cerca el río.', 'grande perro.',
    'hola amigo hola.', 'el coche es rojo.', 'mi casa.', 'Zorblax 77 es en el jardín.', 'hola.']);
  assert.equal(onnxSessionsCreated(), sessions, 'sessions are cached per thread');
});

test('beams: 2 finds the sentence greedy search misses', async () => {
  assert.deepEqual(await targets(['the bank by river.'], { beams: 2 }), ['el orilla junto río.']);
});

test('glossary: kept terms are not translated, forced ones win, job entries beat plugin entries', async () => {
  const text = ['my friend is in the house with 123 perros.'];
  assert.deepEqual(await targets(text), ['mi amigo es en el casa with 123 perros.'], 'unprotected, the model translates them');
  const options = { glossary: [{ term: 'friend' }, { term: 'house', translation: 'mansión' }] };
  assert.deepEqual(await targets(text, options), ['mi friend es en el mansión with 123 perros.'], 'a number of the text is not taken for a placeholder');
  assert.deepEqual(await targets(text, options, { targetLanguage: 'es', glossary: [{ term: 'HOUSE', translation: 'hogar' }] }),
    ['mi friend es en el hogar with 123 perros.']);
});

test('context: a unit that stops mid-sentence goes to the model with the units that end the sentence', async () => {
  const sentence: Transcript = {
    ...units,
    segments: [
      { id: 'a', start: 0, end: 1000, text: 'my brother works', speaker: 'A' },
      { id: 'b', start: 1200, end: 2000, text: 'at the hospital', speaker: 'A' },
      { id: 'c', start: 2100, end: 3000, text: 'near the river.', speaker: 'A' },
      { id: 'd', start: 3100, end: 4000, text: 'hello friend.', speaker: 'A' },
    ],
  };
  const joined = await translateRun(sentence);
  const alone = await translateRun(sentence, undefined, { context: 'none' });
  const want = ['mi hermano trabaja', 'en el hospital', 'cerca el río.', 'hola amigo.'];
  assert.deepEqual(Translation.parse(joined.result.data).segments.map((s) => s.target), want);
  assert.deepEqual(Translation.parse(alone.result.data).segments.map((s) => s.target), want);
  const sent = (r: TestRun) => r.progress.map((p) => p.note).find((n) => n?.startsWith('translated 0 of') || / of \d+$/.test(n ?? ''));
  assert.match(sent(joined)!, / of 2$/, 'two texts: the joined sentence and the next one');
  assert.match(sent(alone)!, / of 4$/);
});

test('same source and target language: the text as it is, forced glossary terms applied', async () => {
  const t = await translate({ ...units, language: 'es' }, { targetLanguage: 'es', glossary: [{ term: 'house', translation: 'casa' }] });
  assert.equal(t.segments[0]!.target, 'The casa is big.');
});
