import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { contractSuite } from '../sdk/contract.js';
import { Translation } from '../sdk/index.js';
import { setProviderCacheDir } from '../sdk/provider-cache.js';
import { outputOf } from '../sdk/testing.js';
import { FAULTS, startDeeplServer } from './contract-server.testkit.js';
import plugin from './index.js';
import { MAX_REQUEST_BYTES } from './request-plan.js';
import { chars, freshCacheDir, sum, transcriptOf, translateWith } from './stage-run.testkit.js';

const server = await startDeeplServer();
after(() => server.close());

const dialogue = ['Where were you last night?', 'I was at the house.', 'With whom?', 'With Anna, my sister.', 'I do not believe you.'];
const options = () => ({ apiKey: server.key, baseUrl: server.url, retryDelayMs: 1 });
const inputOf = (texts: readonly string[]) => ({ options: options(), params: { sourceLanguage: 'en', targetLanguage: 'es' }, inputs: { units: outputOf({}, transcriptOf(texts)) } });

contractSuite({
  plugin,
  stage: 'deepl:translate',
  invalidOptions: { linesPerRequest: 51 },
  availableOptions: { apiKey: 'any-key:fx' },
  unavailableOptions: {},
  async validInput() {
    setProviderCacheDir(await freshCacheDir());
    return inputOf([...dialogue, '   ']);
  },
  corruptInput: async () => ({ options: options(), params: { targetLanguage: 'es' }, inputs: { units: outputOf({}, { segments: 'garbage' }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  async longInput() {
    setProviderCacheDir(await freshCacheDir());
    return inputOf(Array.from({ length: 300 }, (_, i) => `Line number ${i} of a long film.`));
  },
  check(run) {
    const t = Translation.parse(run.result.data);
    assert.deepEqual([t.sourceLanguage, t.targetLanguage, t.provider], ['en', 'es', 'deepl']);
    assert.deepEqual(t.segments.map(({ target: _, ...rest }) => rest), transcriptOf([...dialogue, '   ']).segments, 'ids, timings and speakers come through');
    assert.deepEqual(t.segments.map((s) => s.target), [...dialogue.map((d) => `[ES] ${d}`), ''], 'an empty line is not sent');
  },
});

test('batches: at most 50 texts a request, in order, each line sent once', async () => {
  const lines = Array.from({ length: 120 }, (_, i) => `Sentence ${i}.`);
  const before = server.translated.length;
  const r = await translateWith(server, lines, { options: { linesPerRequest: 50 } });
  assert.equal(r.error, undefined, r.error?.message);
  const calls = server.translated.slice(before);
  assert.deepEqual(calls.map((c) => c.texts.length), [50, 50, 20]);
  assert.deepEqual(calls.flatMap((c) => c.texts), lines);
  assert.deepEqual(r.translation!.segments.map((s) => s.target), lines.map((l) => `[ES] ${l}`));
});

test('batches: no request body passes 128 KiB, context included, though every line would fit 50 to a request', async () => {
  // 40 lines of 6,000 bytes (3,000 two-byte letters): by count one request, by size many.
  const lines = Array.from({ length: 40 }, (_, i) => `${i} ${'ü'.repeat(3000)}`);
  const before = server.count('translate');
  const r = await translateWith(server, lines, { options: { linesPerRequest: 50, contextLines: 2 } });
  assert.equal(r.error, undefined, r.error?.message);
  const bodies = server.requests.filter((q) => q.url === '/v2/translate').slice(before).map((q) => Buffer.byteLength(q.body, 'utf8'));
  assert.ok(bodies.length >= 2, `${bodies.length} requests`);
  assert.ok(bodies.every((b) => b <= MAX_REQUEST_BYTES), `a body was over 128 KiB: ${bodies.join(', ')}`);
  assert.ok(Math.max(...bodies) > MAX_REQUEST_BYTES / 2, 'requests are filled, not cut needlessly small');
  assert.equal(r.translation!.segments.length, 40);
});

test('context: each request carries the passage around its lines, and only the texts are billed', async () => {
  const before = server.translated.length;
  const r = await translateWith(server, dialogue, { options: { linesPerRequest: 2, contextLines: 1 } });
  assert.equal(r.error, undefined, r.error?.message);
  const calls = server.translated.slice(before);
  assert.deepEqual(calls.map((c) => c.texts), [dialogue.slice(0, 2), dialogue.slice(2, 4), dialogue.slice(4)]);
  assert.deepEqual(calls.map((c) => c.context), [
    dialogue.slice(0, 3).join('\n'),   // its lines and the one after
    dialogue.slice(1, 5).join('\n'),   // the one before, its lines, the one after
    dialogue.slice(3, 5).join('\n'),
  ]);
  const billed = calls.reduce((n, c) => n + c.billed, 0);
  assert.equal(billed, chars(dialogue), 'DeepL billed the texts only');
  assert.equal(sum(r.cost, 'settled'), billed, 'the ledger settles what DeepL says it billed');
  assert.equal(sum(r.cost, 'reserved'), 0);
});

test('context: contextLines 0 sends none', async () => {
  const before = server.translated.length;
  await translateWith(server, dialogue, { options: { contextLines: 0 } });
  assert.deepEqual(server.translated.slice(before).map((c) => c.context), [undefined]);
});

test('formality: sent for a target that has it, left out for one that has not', async () => {
  let before = server.translated.length;
  const de = await translateWith(server, ['Can you help me?'], { options: { formality: 'more' }, params: { targetLanguage: 'de' } });
  assert.equal(de.error, undefined, de.error?.message);
  assert.equal(server.translated[before]!.formality, 'more');
  assert.equal(de.translation!.segments[0]!.target, '[DE/more] Can you help me?');

  before = server.translated.length;
  const fi = await translateWith(server, ['Can you help me?'], { options: { formality: 'less' }, params: { targetLanguage: 'fi' } });
  assert.equal(fi.error, undefined, `DeepL refuses formality for Finnish: ${fi.error?.message}`);
  assert.equal(server.translated[before]!.formality, undefined);
  assert.ok(fi.logs.some((l) => /formality 'less' is not sent/.test(l.msg ?? '')));

  before = server.translated.length;
  await translateWith(server, ['Can you help me?'], { options: { formality: 'prefer_less' }, params: { targetLanguage: 'pt-PT' } });
  assert.deepEqual([server.translated[before]!.formality, server.translated[before]!.target_lang], ['prefer_less', 'PT-PT']);
});

test('language codes: our tags become DeepL\'s, with the variant from the tag or the options', async () => {
  const targetOf = async (targetLanguage: string, opts: Record<string, unknown> = {}) => {
    const before = server.translated.length;
    const r = await translateWith(server, ['Hallo.'], { options: opts, params: { sourceLanguage: 'de', targetLanguage } });
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(r.translation!.targetLanguage, targetLanguage.slice(0, 2));
    return [server.translated[before]!.source_lang, server.translated[before]!.target_lang];
  };
  assert.deepEqual(await targetOf('en'), ['DE', 'EN-US']);
  assert.deepEqual(await targetOf('en-GB'), ['DE', 'EN-GB']);
  assert.deepEqual(await targetOf('en', { englishVariant: 'en-GB' }), ['DE', 'EN-GB']);
  assert.deepEqual(await targetOf('pt'), ['DE', 'PT-BR']);
  assert.deepEqual(await targetOf('pt', { portugueseVariant: 'pt-PT' }), ['DE', 'PT-PT']);
  assert.deepEqual(await targetOf('zh'), ['DE', 'ZH-HANS']);

  const none = await translateWith(server, ['Hello.'], { params: { targetLanguage: 'cy' } });
  assert.equal(none.error?.code, 'E_LANGUAGE_UNSUPPORTED');
});

test('the same language on both sides sends nothing and keeps the text', async () => {
  const before = server.requests.length;
  const r = await translateWith(server, ['Hello there.'], { params: { sourceLanguage: 'en', targetLanguage: 'en-GB' } });
  assert.equal(r.translation!.segments[0]!.target, 'Hello there.');
  assert.equal(server.requests.length, before);
});

test('cache: a second run of the same lines pays nothing and reports what it reused', async () => {
  const cacheDir = await freshCacheDir();
  const first = await translateWith(server, dialogue, { cacheDir });
  const before = server.count('translate');
  const second = await translateWith(server, dialogue, { cacheDir });
  assert.equal(server.count('translate'), before, 'no request the second time');
  assert.deepEqual(second.translation, first.translation);
  assert.equal(sum(second.cost, 'settled'), 0);
  assert.equal(sum(second.cost, 'reused'), chars(dialogue));

  // A setting that changes the translation is a new line to buy.
  await translateWith(server, dialogue, { cacheDir, options: { formality: 'less' } });
  assert.equal(server.count('translate'), before + 1);
});

test('a run that dies at its 3rd request resumes paying only for the requests not done', async () => {
  const s = await startDeeplServer();
  try {
    const lines = Array.from({ length: 50 }, (_, i) => `Line ${i} of the scene.`);
    const cacheDir = await freshCacheDir();
    s.inject('translate', FAULTS.quota, 1, 2);
    const first = await translateWith(s, lines, { cacheDir, options: { linesPerRequest: 10 } });
    assert.equal(first.error?.code, 'E_PROVIDER_QUOTA', first.error?.message);
    assert.equal(s.translated.length, 2, 'two requests answered, the third refused, none after it');
    assert.equal(s.count('translate'), 3);

    const second = await translateWith(s, lines, { cacheDir, options: { linesPerRequest: 10 } });
    assert.equal(second.error, undefined, second.error?.message);
    assert.deepEqual(s.translated.flatMap((c) => c.texts).sort(), [...lines].sort(), 'every line bought exactly once over both runs');
    assert.equal(s.billedCharacters(), chars(lines));
    assert.equal(sum(second.cost, 'reused'), chars(lines.slice(0, 20)));
    assert.equal(sum(second.cost, 'settled'), chars(lines.slice(20)));
    assert.deepEqual(second.translation!.segments.map((x) => x.target), lines.map((l) => `[ES] ${l}`));
    assert.equal(sum(first.cost, 'settled'), chars(lines.slice(0, 20)));
    assert.ok(first.cost.some((e) => e.state === 'released'), 'the refused request gave its reservation back');
  } finally {
    await s.close();
  }
});

test('budget: a request past the budget is refused before anything is sent', async () => {
  const before = server.requests.length;
  const r = await translateWith(server, dialogue, { budget: 50 });
  assert.equal(r.error?.code, 'E_BUDGET_EXCEEDED', r.error?.message);
  assert.equal(server.requests.length, before, 'no request reached DeepL');
  assert.equal(sum(r.cost, 'settled'), 0);
});

test('budget: what fits is bought, and the request that does not fit is refused before it is sent', async () => {
  const before = server.translated.length;
  const r = await translateWith(server, dialogue, { budget: chars(dialogue.slice(0, 2)), options: { linesPerRequest: 2 } });
  assert.equal(r.error?.code, 'E_BUDGET_EXCEEDED');
  assert.deepEqual(server.translated.slice(before).map((c) => c.texts), [dialogue.slice(0, 2)]);
});
