import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDeeplServer } from './contract-server.testkit.js';
import { glossaryName, glossaryTsv } from './deepl-glossary.js';
import { freshCacheDir, translateWith } from './stage-run.testkit.js';

// A new glossary is served only after two reads of it, as a service that is slow to make it.
const server = await startDeeplServer({ glossaryDelayReads: 2 });
after(() => server.close());

const glossary = [{ term: 'Anna' }, { term: 'house', translation: 'casa' }];

test('the job glossary becomes one DeepL glossary, waited on, then used by every request', async () => {
  const cacheDir = await freshCacheDir();
  const r = await translateWith(server, ['I was at the house.', 'With Anna, my sister.'], { cacheDir, params: { glossary }, options: { linesPerRequest: 1 } });
  assert.equal(r.error, undefined, r.error?.message);
  assert.deepEqual(r.translation!.segments.map((s) => s.target), ['[ES] I was at the casa.', '[ES] With Anna, my sister.']);
  assert.equal(server.count('glossaries.create'), 1);
  assert.equal(server.earlyGlossaryUse, 0, 'no translation named the glossary before it was served');
  assert.ok(server.count('glossaries.get') >= 3, 'read until served');
  const [g] = [...server.glossaries.values()];
  assert.deepEqual([g!.source, g!.target, g!.entries], ['en', 'es', [['Anna', 'Anna'], ['house', 'casa']]]);
  assert.deepEqual(server.translated.map((c) => c.glossary_id), [g!.id, g!.id]);
  assert.equal(g!.name, glossaryName({ source: 'en', target: 'es' }, glossaryTsv(glossary)));

  // A second job (other lines, same glossary): the recorded glossary is checked and reused.
  const second = await translateWith(server, ['Anna left the house.'], { cacheDir, params: { glossary } });
  assert.equal(second.translation!.segments[0]!.target, '[ES] Anna left the casa.');
  // On a machine with no record of it (a new data dir), it is found by name in the account.
  const third = await translateWith(server, ['The house is empty.'], { params: { glossary } });
  assert.equal(third.translation!.segments[0]!.target, '[ES] The casa is empty.');
  assert.equal(server.count('glossaries.create'), 1, 'created once across three jobs');
  assert.equal(server.count('glossaries.list'), 2, 'listed by the first job (none yet) and the one without a record');
  assert.equal(server.translated.at(-1)!.glossary_id, g!.id);

  // Other entries, or another pair, are another glossary.
  await translateWith(server, ['The house is empty.'], { cacheDir, params: { glossary: [...glossary, { term: 'empty', translation: 'vacía' }] } });
  await translateWith(server, ['The house is empty.'], { cacheDir, params: { glossary, targetLanguage: 'pt-PT' } });
  assert.equal(server.count('glossaries.create'), 3);
  const pt = [...server.glossaries.values()].at(-1)!;
  assert.deepEqual([pt.source, pt.target], ['en', 'pt'], 'one Portuguese dictionary serves PT-PT and PT-BR');
  assert.equal(server.translated.at(-1)!.target_lang, 'PT-PT');
  assert.equal(server.earlyGlossaryUse, 0);
});

test('a recorded glossary deleted from the account is made again', async () => {
  const cacheDir = await freshCacheDir();
  await translateWith(server, ['The house.'], { cacheDir, params: { glossary: [{ term: 'house', translation: 'hogar' }] } });
  const creates = server.count('glossaries.create');
  for (const [id, g] of server.glossaries) if (g.entries.some(([, t]) => t === 'hogar')) server.glossaries.delete(id);
  const r = await translateWith(server, ['A house.'], { cacheDir, params: { glossary: [{ term: 'house', translation: 'hogar' }] } });
  assert.equal(r.translation!.segments[0]!.target, '[ES] A hogar.');
  assert.equal(server.count('glossaries.create'), creates + 1);
});

test('a glossary that is never served fails the step retryably after the configured checks, without translating', async () => {
  const slow = await startDeeplServer({ glossaryDelayReads: 1000 });
  try {
    const r = await translateWith(slow, ['The house.'], { params: { glossary }, options: { glossaryPolls: 5 } });
    assert.equal(r.error?.code, 'E_PROVIDER_FAILED');
    assert.equal(r.error?.retryable, true);
    assert.match(r.error!.message, /not ready after 5 checks/);
    assert.equal(slow.count('glossaries.get'), 5);
    assert.equal(slow.count('translate'), 0);
    assert.equal(slow.count('glossaries.create'), 1);
  } finally {
    await slow.close();
  }
});

test('a run whose lines are all cached sends nothing, not even the glossary look-ups', async () => {
  const s = await startDeeplServer();
  try {
    const cacheDir = await freshCacheDir();
    await translateWith(s, ['The house.'], { cacheDir });
    // Same lines, same glossary content: the cache key has the glossary's content, not its id.
    await translateWith(s, ['The house.'], { cacheDir, params: { glossary } });
    const before = s.requests.length;
    await translateWith(s, ['The house.'], { cacheDir, params: { glossary } });
    assert.equal(s.requests.length, before);
  } finally {
    await s.close();
  }
});

test('an entry that deletes its term cannot be a DeepL glossary entry: it is left out with a warning, the rest applies', async () => {
  const s = await startDeeplServer();
  try {
    const r = await translateWith(s, ['Um, the house.'], { params: { glossary: [{ term: 'um', translation: '' }, { term: 'house', translation: 'casa' }] } });
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(r.translation!.segments[0]!.target, '[ES] Um, the casa.');
    assert.deepEqual([...s.glossaries.values()].map((g) => g.entries), [[['house', 'casa']]]);
    assert.ok(r.logs.some((l) => l.level === 'warn' && /empty translation/.test(l.msg ?? '')));
  } finally {
    await s.close();
  }
});
