import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, Translation, type StageParams, type Transcript } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';

const def = findStage(plugin, 'apertium:translate');

const units: Transcript = {
  language: 'en',
  source: { kind: 'asr', provider: 'test' },
  segments: [
    { id: 'u1', start: 1000, end: 2500, text: 'The house is big.', speaker: 'A', words: [{ start: 1000, end: 1300, text: 'The' }] },
    { id: 'u2', start: 3000, end: 4200, text: 'The dog\nsleeps in the garden', speaker: 'B' },
    { id: 'u3', start: 4200, end: 4300, text: '  ' },
    { id: 'u4', start: 5000, end: 7000, text: 'Hello Zorblax, my friend.' },
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
  stage: 'apertium:translate',
  invalidOptions: { markUnknown: 'yes' },
  unavailableOptions: { binary: '/nonexistent/apertium' },
  validInput: async () => inputOf(units),
  corruptInput: async () => ({ options: {}, params: { targetLanguage: 'es' }, inputs: { units: outputOf({}, { segments: 'garbage' }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => inputOf({
    ...units,
    segments: Array.from({ length: 1500 }, (_, i) => ({ id: `l${i}`, start: i * 1000, end: i * 1000 + 900, text: 'My brother works at the hospital near the river.' })),
  }),
  check(run) {
    const t = Translation.parse(run.result.data);
    assert.deepEqual([t.sourceLanguage, t.targetLanguage, t.provider], ['en', 'es', 'apertium']);
    // Ids, timings, speakers and words come through untouched; only `target` is added.
    assert.deepEqual(t.segments.map(({ target: _, ...rest }) => rest), units.segments);
    const [house, dog, empty, hello] = t.segments.map((s) => s.target);
    assert.match(house!, /\bcasa\b/);
    assert.match(house!, /\bgrande\b/);
    assert.match(dog!, /\bperro\b/);
    assert.match(dog!, /\bjardín\b/);
    assert.equal(empty, '');
    assert.match(hello!, /^Hola Zorblax\b/, 'unknown-word mark removed');
  },
});

test('markUnknown keeps apertium\'s mark on words it does not know', async () => {
  const t = await translate(units, { targetLanguage: 'es' }, { markUnknown: true });
  assert.match(t.segments[3]!.target, /\*Zorblax/);
});

test('Catalan and the reverse direction use their own modes', async () => {
  const ca = await translate(units, { targetLanguage: 'ca' });
  assert.match(ca.segments[0]!.target, /\bcasa\b/);
  assert.match(ca.segments[0]!.target, /\bgran\b/);
  const es: Transcript = { ...units, language: 'es', segments: [{ id: 'x', start: 0, end: 1000, text: 'El perro duerme en la casa.' }] };
  const en = await translate(es, { targetLanguage: 'en' });
  assert.match(en.segments[0]!.target, /\bdog\b.*\bhouse\b/);
});

test('glossary: kept terms survive, forced translations win, job entries beat plugin entries', async () => {
  const smith: Transcript = { ...units, segments: [{ id: 's', start: 0, end: 3000, text: 'Mr. Smith lives in the house of the Doctor.' }] };
  const plain = (await translate(smith)).segments[0]!.target;
  assert.match(plain, /Herrero/, `apertium translates the name when unprotected: ${plain}`);

  const options = { glossary: [{ term: 'Smith' }, { term: 'house', translation: 'mansión' }] };
  const kept = (await translate(smith, { targetLanguage: 'es' }, options)).segments[0]!.target;
  assert.match(kept, /\bSmith\b/);
  assert.doesNotMatch(kept, /Herrero|⟦/);
  assert.match(kept, /\bmansión\b/);

  const job = (await translate(smith, { targetLanguage: 'es', glossary: [{ term: 'HOUSE', translation: 'hogar' }, { term: 'doctor' }] }, options)).segments[0]!.target;
  assert.match(job, /\bhogar\b/);
  assert.doesNotMatch(job, /mansión|casa/);
  assert.match(job, /\bDoctor\b/, 'kept as the source wrote it');
  assert.match(job, /\bSmith\b/, 'plugin entries not overridden still apply');
});

test('an uninstalled pair is E_NO_PROVIDER naming the installed pairs and the package to install', async () => {
  await assert.rejects(translate(units, { targetLanguage: 'eo' }), (e: unknown) => {
    assert.ok(e instanceof DubarrError && e.code === 'E_NO_PROVIDER');
    assert.match(e.message, /en->es/);
    assert.match(e.message, /apt-get install apertium-eo-en/);
    return true;
  });
  await assert.rejects(translate(units, { targetLanguage: 'fr' }), (e: unknown) => {
    assert.ok(e instanceof DubarrError && e.code === 'E_NO_PROVIDER');
    assert.match(e.message, /apertium-eng-fra/);
    return true;
  });
  await assert.rejects(translate(units, { targetLanguage: 'xx' }), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
  await assert.rejects(translate(units, {}), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
});

test('"und" is no language: an unknown job language falls back to the units\' own, and with neither the error says so', async () => {
  assert.equal((await translate(units, { sourceLanguage: 'und', targetLanguage: 'es' })).sourceLanguage, 'en');
  assert.equal((await translate({ ...units, language: 'und' }, { sourceLanguage: 'eng', targetLanguage: 'es' })).sourceLanguage, 'en');
  await assert.rejects(translate({ ...units, language: 'und' }, { sourceLanguage: '', targetLanguage: 'es' }), (e: unknown) => {
    assert.ok(e instanceof DubarrError && e.code === 'E_LANGUAGE_UNKNOWN', String(e));
    assert.match(e.message, /does not know the language/);
    return true;
  });
});

test('one apertium process per job; a paragraph-count mismatch is a coded error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-apertium-fake-'));
  try {
    const counter = join(dir, 'calls');
    const counting = join(dir, 'counting-apertium');
    await writeFile(counting, `#!/bin/sh\necho x >> '${counter}'\nexec apertium "$@"\n`);
    const broken = join(dir, 'broken-apertium');
    await writeFile(broken, '#!/bin/sh\ncat >/dev/null\necho "one paragraph"\n');
    await chmod(counting, 0o755);
    await chmod(broken, 0o755);

    const t = await translate(units, { targetLanguage: 'es' }, { binary: counting });
    assert.equal(t.segments.length, 4);
    assert.equal((await readFile(counter, 'utf8')).trim().split('\n').length, 1);

    await assert.rejects(translate(units, { targetLanguage: 'es' }, { binary: broken }),
      (e: unknown) => e instanceof DubarrError && e.code === 'E_PROVIDER_FAILED' && /3 segments/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
