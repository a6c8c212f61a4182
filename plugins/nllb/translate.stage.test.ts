import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTinyNllb } from '../../test/fixtures/tiny-translators.js';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, lookupLanguage, Translation, type StageParams, type Transcript } from '../sdk/index.js';
import { setModelsDir } from '../sdk/models.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';
import { languageToken } from './language-tokens.js';

// The tiny NLLB model (test/fixtures/onnx/translate_tiny.py) has eng_Latn, spa_Latn, fra_Latn
// and deu_Latn tokens; its words come from the table of the language token the provider forces
// as the first output token. Installed as nllb-200-distilled-600m, the option's default.
const models = await mkdtemp(join(tmpdir(), 'dubarr-nllb-models-'));
setModelsDir(models);
await installTinyNllb(models);
after(() => rm(models, { recursive: true, force: true }));

const def = findStage(plugin, 'nllb:translate');
const units: Transcript = {
  language: 'en',
  source: { kind: 'asr', provider: 'test' },
  segments: [
    { id: 'u1', start: 1000, end: 2500, text: 'hello my friend.', speaker: 'A' },
    { id: 'u2', start: 3000, end: 4200, text: '' },
    { id: 'u3', start: 5000, end: 7000, text: 'The house is big, Zorblax.', speaker: 'B' },
  ],
};
const inputOf = (t: Transcript, params: StageParams = { targetLanguage: 'es' }, options: object = {}) =>
  ({ options, params, inputs: { units: outputOf({}, t) } });
async function translate(t: Transcript, params?: StageParams, options?: object): Promise<Translation> {
  const run = await runStageForTest<Translation>(def, inputOf(t, params, options));
  await rm(run.workDir, { recursive: true, force: true });
  return Translation.parse(run.result.data);
}

contractSuite({
  plugin,
  stage: 'nllb:translate',
  invalidOptions: { model: '' },
  unavailableOptions: { model: 'nllb-not-pulled' },
  validInput: async () => inputOf(units),
  corruptInput: async () => ({ options: {}, params: { targetLanguage: 'es' }, inputs: { units: outputOf({}, { segments: [{ id: 1 }] }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => inputOf({
    ...units,
    segments: Array.from({ length: 300 }, (_, i) => ({ id: `l${i}`, start: i * 3000, end: i * 3000 + 900, text: 'hello my friend, the house is big.' })),
  }),
  check(run) {
    const t = Translation.parse(run.result.data);
    assert.deepEqual([t.sourceLanguage, t.targetLanguage, t.provider], ['en', 'es', 'nllb']);
    assert.deepEqual(t.segments.map(({ target: _, ...rest }) => rest), units.segments);
    assert.deepEqual(t.segments.map((s) => s.target), ['hola mi amigo.', '', 'The casa es grande, Zorblax.']);
  },
});

test('one model, any pair of its languages: the target language token picks the output language', async () => {
  const to = async (targetLanguage: string) => (await translate(units, { targetLanguage })).segments.map((s) => s.target);
  assert.deepEqual(await to('fr'), ['bonjour mon ami.', '', 'The maison est grande, Zorblax.']);
  assert.deepEqual(await to('de'), ['hallo mein Freund.', '', 'The Haus ist groß, Zorblax.']);
  assert.deepEqual(await to('deu'), await to('de'));
});

test('available() gives the model\'s languages as input and output (many-to-many)', async () => {
  const a = await plugin.available!(plugin.options.parse({}));
  assert.equal(a.ok, true);
  assert.deepEqual(a.languages, { input: ['en', 'es', 'fr', 'de'], output: ['en', 'es', 'fr', 'de'] });
  const missing = await plugin.available!(plugin.options.parse({ model: 'nllb-not-pulled' }));
  assert.match(missing.reason!, /dubarr models pull nllb-not-pulled/);
});

test('a language the model has no token for: E_LANGUAGE_UNSUPPORTED; a missing model: E_MODEL_MISSING', async () => {
  await assert.rejects(translate(units, { targetLanguage: 'ja' }), (e: unknown) => {
    assert.ok(e instanceof DubarrError && e.code === 'E_LANGUAGE_UNSUPPORTED', String(e));
    assert.match(e.message, /Japanese/);
    return true;
  });
  await assert.rejects(translate(units, { targetLanguage: 'es' }, { model: 'nllb-not-pulled' }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_MODEL_MISSING');
});

test('glossary terms survive NLLB as they do opus-mt', async () => {
  const t = await translate(units, { targetLanguage: 'fr', glossary: [{ term: 'friend' }, { term: 'house', translation: 'château' }] });
  assert.deepEqual(t.segments.map((s) => s.target), ['bonjour mon friend.', '', 'The château est grande, Zorblax.']);
});

test('language tokens: FLORES-200 codes with NLLB\'s individual languages and scripts, M2M-100 codes', () => {
  const nllb = ['eng_Latn', 'spa_Latn', 'arb_Arab', 'arb_Latn', 'zho_Hans', 'zho_Hant', 'pes_Arab', 'srp_Cyrl', 'kas_Arab', 'kas_Deva'];
  const token = (tag: string, tokens = nllb) => languageToken(tokens, lookupLanguage(tag)!, tag);
  assert.equal(token('es'), 'spa_Latn');
  assert.equal(token('ar'), 'arb_Arab', 'Arabic is Modern Standard Arabic, in its own script unless asked');
  assert.equal(token('zh'), 'zho_Hans');
  assert.equal(token('zh-Hant'), 'zho_Hant');
  assert.equal(token('zh-TW'), 'zho_Hans', 'a region is not a script');
  assert.equal(token('fa'), 'pes_Arab');
  assert.equal(token('sr'), 'srp_Cyrl');
  assert.equal(token('ks'), 'kas_Arab');
  assert.equal(token('ja'), undefined);
  assert.equal(token('es', ['__en__', '__es__']), '__es__');
});
