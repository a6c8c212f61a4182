/**
 * REST (/api/presets, /api/providers, /api/languages) and GraphQL (presets, providers, languages)
 * are two doors into one catalog: on a real server they answer with the same objects, voiceless
 * pairs included (voices: [], subtitles only), whether a pair has no voice because none is
 * declared for its target or because the voice provider is unavailable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeepPartial, Config } from '../../../core/config/schema.js';
import { dataOf, gqlServer } from './graphql-harness.js';
import { CATALOG_PLUGINS_DIR, testRuntime } from './harness.js';

const PROVIDER_FIELDS = 'name version capability available reason languages { input output pairs { source target } }';

async function bothDoors(overrides: DeepPartial<Config>) {
  const t = await testRuntime({}, overrides);
  const s = await gqlServer(t);
  const rest = async <T>(path: string) => {
    const r = await fetch(s.base + path);
    assert.equal(r.status, 200, path);
    return ((await r.json()) as { items: T[] }).items;
  };
  const gql = <T>(query: string) => s.gql<T>(query).then(dataOf);
  return { t, rest, gql, async close() { await s.close(); await t.close(); } };
}

interface Pair { source: string; target: string; translators: string[]; voices: string[] }

test('REST and GraphQL list the same presets, provider rows (all and by capability) and pairs, voiceless pairs with voices []', async () => {
  const d = await bothDoors({ plugins: { dirs: [CATALOG_PLUGINS_DIR] } });
  try {
    const g = await d.gql<{ presets: unknown[]; providers: unknown[]; translate: unknown[]; languages: Pair[] }>(
      `{ presets { name description capabilities } providers { ${PROVIDER_FIELDS} } translate: providers(capability: "translate") { ${PROVIDER_FIELDS} }
         languages { source target translators voices } }`);
    assert.deepEqual(await d.rest('/api/presets'), g.presets);
    assert.deepEqual(await d.rest('/api/providers'), g.providers);
    assert.deepEqual(await d.rest('/api/providers?capability=translate'), g.translate);
    const pairs = await d.rest<Pair>('/api/languages');
    assert.deepEqual(pairs, g.languages);

    assert.deepEqual(pairs.find((p) => p.source === 'qaa' && p.target === 'qad'), { source: 'qaa', target: 'qad', translators: ['catalog-lists'], voices: [] });
    assert.deepEqual(pairs.find((p) => p.source === 'qaa' && p.target === 'qab')?.voices, ['catalog-voice']);
    // The real pairs: setup installs apertium-eng-spa and apertium-eng-cat, and espeak-ng speaks both.
    for (const target of ['es', 'ca']) assert.deepEqual(pairs.find((p) => p.source === 'en' && p.target === target), { source: 'en', target, translators: ['apertium'], voices: ['espeak-ng'] });
  } finally {
    await d.close();
  }
});

test('with the only real voice unavailable, the installed pairs stay listed, subtitles only, the same through both doors', async () => {
  const d = await bothDoors({ plugins: { options: { 'espeak-ng': { binary: '/nonexistent/espeak-ng' } } } });
  try {
    const g = await d.gql<{ languages: Pair[]; synthesize: Array<{ name: string; available: boolean; reason: string | null }> }>(
      '{ languages { source target translators voices } synthesize: providers(capability: "synthesize") { name available reason } }');
    const pairs = await d.rest<Pair>('/api/languages');
    assert.deepEqual(pairs, g.languages);
    for (const target of ['es', 'ca']) assert.deepEqual(pairs.find((p) => p.source === 'en' && p.target === target), { source: 'en', target, translators: ['apertium'], voices: [] });
    assert.ok(pairs.every((p) => p.voices.length === 0), JSON.stringify(pairs));
    const espeak = g.synthesize.find((p) => p.name === 'espeak-ng')!;
    assert.equal(espeak.available, false);
    assert.match(espeak.reason ?? '', /apt-get install espeak-ng/);
  } finally {
    await d.close();
  }
});
