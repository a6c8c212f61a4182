/** The contract server refuses what DeepL refuses, so a client that breaks a limit fails its tests. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDeeplServer } from './contract-server.testkit.js';

const server = await startDeeplServer();
after(() => server.close());

const post = (path: string, body: unknown, auth = `DeepL-Auth-Key ${server.key}`) => fetch(`${server.url}${path}`, {
  method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body),
});

test('auth: a missing or wrong DeepL-Auth-Key is 403; a right one translates and bills the texts\' code points', async () => {
  assert.equal((await post('/v2/translate', { text: ['Hi'], target_lang: 'DE' }, '')).status, 403);
  assert.equal((await post('/v2/translate', { text: ['Hi'], target_lang: 'DE' }, `Bearer ${server.key}`)).status, 403);
  const ok = await post('/v2/translate', { text: ['Hï 👋'], target_lang: 'DE', context: 'not billed', show_billed_characters: true });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { translations: [{ detected_source_language: 'EN', text: '[DE] Hï 👋', billed_characters: 4 }] });
  assert.equal(server.billedCharacters(), 4);
});

test('limits: 51 texts is 400, a body over 128 KiB is 413, neither billed', async () => {
  const before = server.billedCharacters();
  assert.equal((await post('/v2/translate', { text: Array.from({ length: 51 }, () => 'a'), target_lang: 'DE' })).status, 400);
  assert.equal((await post('/v2/translate', { text: ['a'.repeat(128 * 1024)], target_lang: 'DE' })).status, 413);
  assert.equal((await post('/v2/translate', { text: Array.from({ length: 50 }, () => 'a'), target_lang: 'DE' })).status, 200);
  assert.equal(server.billedCharacters(), before + 50);
});

test('formality only where the target has it (prefer_* anywhere); a glossary needs source_lang and its own pair', async () => {
  assert.equal((await post('/v2/translate', { text: ['Hi'], target_lang: 'FI', formality: 'more' })).status, 400);
  assert.equal((await post('/v2/translate', { text: ['Hi'], target_lang: 'FI', formality: 'prefer_more' })).status, 200);
  const created = await post('/v3/glossaries', { name: 'g', dictionaries: [{ source_lang: 'en', target_lang: 'de', entries: 'Hi\tHallo', entries_format: 'tsv' }] });
  assert.equal(created.status, 201);
  const g = await created.json() as { glossary_id: string; dictionaries: unknown };
  assert.deepEqual(g.dictionaries, [{ source_lang: 'en', target_lang: 'de', entry_count: 1 }]);
  assert.equal((await post('/v2/translate', { text: ['Hi'], target_lang: 'DE', glossary_id: g.glossary_id })).status, 400);
  assert.equal((await post('/v2/translate', { text: ['Hi'], source_lang: 'EN', target_lang: 'FR', glossary_id: g.glossary_id })).status, 400);
  const used = await post('/v2/translate', { text: ['Hi there'], source_lang: 'EN', target_lang: 'DE', glossary_id: g.glossary_id });
  assert.equal(((await used.json()) as { translations: Array<{ text: string }> }).translations[0]!.text, '[DE] Hallo there');
  assert.equal((await post('/v3/glossaries', { name: 'bad', dictionaries: [{ source_lang: 'en', target_lang: 'de', entries: 'a\t', entries_format: 'tsv' }] })).status, 400);
});
