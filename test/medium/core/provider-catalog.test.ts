/**
 * The provider catalog's one rule set, on a real plugin host: the built-in providers (apertium
 * and espeak-ng as installed) and providers that only declare languages (test/catalog-plugins).
 * Its pairs and who serves them are what the job-time selector (PluginHost.select) accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DubarrError } from '../../../plugins/sdk/errors.js';
import { BUILTIN_PRESETS, PresetRegistry } from '../../../core/pipeline/presets.js';
import { PluginHost } from '../../../core/plugin-host/plugin-host.js';
import { ProviderCatalog } from '../../../core/service/provider-catalog.js';
import { CATALOG_PLUGINS_DIR } from './harness.js';

async function catalog(options: Record<string, Record<string, unknown>> = {}) {
  const host = await PluginHost.load({ dirs: [CATALOG_PLUGINS_DIR], options, preference: {} });
  return { host, catalog: new ProviderCatalog(host, new PresetRegistry(BUILTIN_PRESETS)) };
}

const local = (code: string) => code.startsWith('qa');

/** Who the selector accepts, by name; [] where it finds no one (E_NO_PROVIDER). */
async function selected(host: PluginHost, capability: string, req: { sourceLanguage?: string; targetLanguage: string }): Promise<string[]> {
  try {
    return (await host.select(capability, req)).map((c) => c.plugin.def.name).sort();
  } catch (e) {
    assert.equal(DubarrError.from(e).code, 'E_NO_PROVIDER');
    return [];
  }
}

test('pairs: declared pairs, input x output lists, not a language to itself, not an unavailable translator; voiceless pairs listed with voices []', async () => {
  const { catalog: c } = await catalog();
  const pairs = (await c.languages()).filter((p) => local(p.source) || local(p.target));
  assert.deepEqual(pairs, [
    // catalog-any (input '*', output qab) adds no pair, but the selector takes it for any pair into qab.
    { source: 'qaa', target: 'qab', translators: ['catalog-any', 'catalog-lists', 'catalog-pairs'], voices: ['catalog-voice'] },
    { source: 'qaa', target: 'qad', translators: ['catalog-lists'], voices: [] },
    { source: 'qac', target: 'qaa', translators: ['catalog-lists'], voices: [] },
    { source: 'qac', target: 'qab', translators: ['catalog-any', 'catalog-lists'], voices: ['catalog-voice'] },
    { source: 'qac', target: 'qad', translators: ['catalog-lists'], voices: [] },
  ]);
});

test('a voice declaring no languages speaks every target, as the selector treats it', async () => {
  const { catalog: c } = await catalog({ 'catalog-anyvoice': { on: true } });
  const pairs = await c.languages();
  assert.ok(pairs.length > 5, 'the real pairs too');
  for (const p of pairs) assert.ok(p.voices.includes('catalog-anyvoice'), `${p.source} -> ${p.target}: ${p.voices.join(', ')}`);
  const enEs = pairs.find((p) => p.source === 'en' && p.target === 'es');
  assert.deepEqual(enEs, { source: 'en', target: 'es', translators: ['apertium'], voices: ['catalog-anyvoice', 'espeak-ng'] });
});

test('every pair listed is one the job-time selector serves with exactly its translators and voices, and a translator that takes any language is listed as a provider only', async () => {
  for (const options of [{}, { 'catalog-anyvoice': { on: true } }] as Array<Record<string, Record<string, unknown>>>) {
    const { host, catalog: c } = await catalog(options);
    const pairs = await c.languages();
    for (const p of pairs) {
      const what = `${p.source} -> ${p.target}`;
      assert.deepEqual(await selected(host, 'translate', { sourceLanguage: p.source, targetLanguage: p.target }), p.translators, `translators ${what}`);
      assert.deepEqual(await selected(host, 'synthesize', { targetLanguage: p.target }), p.voices, `voices ${what}`);
    }
    assert.ok(!pairs.some((p) => p.source === p.target));
    assert.ok(!pairs.some((p) => p.target === 'qae'), 'catalog-down is unavailable');
  }
  const { catalog: c } = await catalog();
  const providers = await c.providers('translate');
  assert.deepEqual(providers.find((p) => p.name === 'catalog-any'), {
    name: 'catalog-any', version: '1.0.0', capability: 'translate', available: true, reason: null, languages: { input: null, output: ['qab'], pairs: null },
  });
  assert.deepEqual(providers.find((p) => p.name === 'catalog-down'), {
    name: 'catalog-down', version: '1.0.0', capability: 'translate', available: false, reason: 'switched off: set plugins.options.catalog-down.on',
    languages: { input: null, output: null, pairs: [{ source: 'qaa', target: 'qae' }] },
  });
  assert.deepEqual((await c.providers('synthesize')).find((p) => p.name === 'catalog-anyvoice')?.languages, null, 'declares nothing: null');
});

test('providers: one row per (provider, capability), by name then capability; presets with the capabilities they need', async () => {
  const { catalog: c } = await catalog();
  const rows = await c.providers();
  const ffmpeg = rows.filter((r) => r.name === 'ffmpeg');
  assert.ok(ffmpeg.length > 1, 'ffmpeg offers several capabilities');
  assert.deepEqual(ffmpeg.map((r) => r.capability), [...ffmpeg.map((r) => r.capability)].sort());
  const keys = rows.map((r) => `${r.name} ${r.capability}`);
  assert.deepEqual(keys, [...new Set(keys)].sort((a, b) => {
    const [an, ac] = a.split(' '), [bn, bc] = b.split(' ');
    return an!.localeCompare(bn!) || ac!.localeCompare(bc!);
  }));
  assert.deepEqual(await c.providers('no-such-capability'), []);
  const dub = c.presets().find((p) => p.name === 'dub')!;
  assert.ok(dub.description);
  assert.ok(dub.capabilities.includes('translate') && dub.capabilities.includes('synthesize'));
});
