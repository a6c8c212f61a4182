import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiBase, FREE_HOST, PRO_HOST } from './deepl-api.js';
import { deeplPairs, deeplSource, deeplTarget, supportsFormality, supportsGlossary } from './deepl-languages.js';
import { bodyBytes, GLOSSARY_ID_PLACEHOLDER, MAX_REQUEST_BYTES, planRequests, translateBody } from './request-plan.js';

const fields = { source_lang: 'EN', target_lang: 'DE', glossary_id: GLOSSARY_ID_PLACEHOLDER };

test('plan: lines in order, each once, at most linesPerRequest (never more than 50) a request', () => {
  const lines = Array.from({ length: 101 }, (_, i) => `l${i}`);
  const plan = planRequests(lines, { linesPerRequest: 50, contextLines: 0 }, fields);
  assert.deepEqual(plan.map((r) => r.lines.length), [50, 50, 1]);
  assert.deepEqual(plan.flatMap((r) => r.lines), lines.map((_, i) => i));
  assert.deepEqual(planRequests(lines, { linesPerRequest: 999, contextLines: 0 }, fields).map((r) => r.lines.length), [50, 50, 1]);
});

test('plan: every body, context and glossary id included, fits 128 KiB; a line too long for any request is a coded error', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `${i}${'ß'.repeat(10_000 + i)}`);
  for (const contextLines of [0, 3]) {
    const plan = planRequests(lines, { linesPerRequest: 50, contextLines }, fields);
    for (const r of plan) {
      const bytes = bodyBytes(translateBody(r.lines.map((i) => lines[i]!), r.context, fields));
      assert.ok(bytes <= MAX_REQUEST_BYTES, `${bytes} bytes`);
    }
    assert.deepEqual(plan.flatMap((r) => r.lines), lines.map((_, i) => i));
  }
  assert.throws(() => planRequests(['x'.repeat(MAX_REQUEST_BYTES)], { linesPerRequest: 50, contextLines: 0 }, fields), { code: 'E_INVALID_ARGUMENT' });
});

test('plan: a line whose passage alone is too long goes without context rather than failing', () => {
  const big = 'y'.repeat(50_000);
  const plan = planRequests([big, big, big], { linesPerRequest: 50, contextLines: 2 }, fields);
  assert.deepEqual(plan.map((r) => r.lines), [[0], [1], [2]]);
  assert.equal(plan[1]!.context, undefined);
});

test('host: a :fx key goes to api-free.deepl.com, another to api.deepl.com, baseUrl to itself', () => {
  assert.equal(apiBase({ apiKey: '0123-abcd:fx' }), FREE_HOST);
  assert.equal(FREE_HOST, 'https://api-free.deepl.com');
  assert.equal(apiBase({ apiKey: '0123-abcd' }), PRO_HOST);
  assert.equal(PRO_HOST, 'https://api.deepl.com');
  assert.equal(apiBase({ apiKey: '0123-abcd:fx', baseUrl: 'http://deepl-proxy:8080/' }), 'http://deepl-proxy:8080');
});

test('languages: sources bare, targets with their variant; formality and glossaries where DeepL has them', () => {
  const o = { englishVariant: 'en-US', portugueseVariant: 'pt-BR' } as const;
  assert.deepEqual(['pt-BR', 'en-GB', 'no', 'zh-Hant'].map(deeplSource), ['PT', 'EN', 'NB', 'ZH']);
  assert.deepEqual(['en', 'en-us', 'pt-PT', 'pt', 'zh-TW', 'zh', 'es-419', 'nb', 'deu'].map((t) => deeplTarget(t, o)),
    ['EN-US', 'EN-US', 'PT-PT', 'PT-BR', 'ZH-HANT', 'ZH-HANS', 'ES-419', 'NB', 'DE']);
  assert.throws(() => deeplTarget('cy', o), { code: 'E_LANGUAGE_UNSUPPORTED' });
  assert.deepEqual(['DE', 'PT-BR', 'JA', 'EN-GB', 'FI'].map(supportsFormality), [true, true, true, false, false]);
  assert.equal(supportsGlossary('en', 'th'), false);
  assert.equal(supportsGlossary('en', 'ja'), true);
  const pairs = deeplPairs();
  assert.ok(pairs.some(([a, b]) => a === 'en' && b === 'es'));
  assert.ok(!pairs.some(([a, b]) => a === b));
});
