import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { languageMismatch, PluginHost } from './plugin-host.js';

/**
 * External plugins as a user would install them: compiled JS folders in a configured dir. Their
 * capability is a test-only one, so the built-in providers do not take part.
 */
async function externalPlugins(defs: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-plugins-'));
  for (const [name, source] of Object.entries(defs)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'index.js'), source);
  }
  return dir;
}

const schema = `{ safeParse: (v) => (v && v.bad ? { success: false, error: { issues: [{ path: ['bad'], message: 'bad is not allowed' }] } } : { success: true, data: v ?? {} }) }`;
const translator = (name: string, pairs: string[][], ok = true) => `export default {
  name: '${name}', version: '1.0.0', options: ${schema},
  stages: [{ id: '${name}:translate', capability: 'test-translate', runIn: 'main', entry: new URL('./t.js', import.meta.url) }],
  available: async () => (${ok} ? { ok: true, languages: { pairs: ${JSON.stringify(pairs)} } } : { ok: false, reason: 'engine missing: apt-get install it' }),
};`;

test('selection: explicit provider, preference order, language pairs, unavailable engines', async () => {
  const dir = await externalPlugins({
    alpha: translator('alpha', [['en', 'es']]),
    beta: translator('beta', [['en', 'es'], ['en', 'ca']]),
    gamma: translator('gamma', [['en', 'fr']], false),
    broken: 'export default { name: "Broken Name" }',
  });
  try {
    const host = await PluginHost.load({ dirs: [dir], options: {}, preference: { 'test-translate': ['beta'] } });
    assert.deepEqual(host.broken.map((b) => b.location.split('/').pop()), ['broken']);
    const names = async (req: object) => (await host.select('test-translate', req)).map((c) => c.plugin.def.name);
    assert.deepEqual(await names({ sourceLanguage: 'en', targetLanguage: 'es' }), ['beta', 'alpha']);
    assert.deepEqual(await names({ sourceLanguage: 'en', targetLanguage: 'ca' }), ['beta']);
    assert.deepEqual(await names({ provider: 'alpha', targetLanguage: 'es' }), ['alpha']);
    await assert.rejects(host.select('test-translate', { sourceLanguage: 'en', targetLanguage: 'fr' }), (e: unknown) => {
      assert.ok(e instanceof DubarrError && e.code === 'E_NO_PROVIDER');
      assert.match(e.message, /alpha: no en -> fr pair; installed pairs: en->es/);
      assert.match(e.message, /gamma: unavailable \(engine missing: apt-get install it\)/);
      return true;
    });
    await assert.rejects(host.select('test-translate', { provider: 'nope' }), /Provider 'nope' cannot test-translate/);
    await assert.rejects(host.select('teleport'), /No installed plugin can teleport/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('invalid plugin options are all reported at once, with the plugin named', async () => {
  const dir = await externalPlugins({ alpha: translator('alpha', []), beta: translator('beta', []) });
  try {
    await assert.rejects(
      PluginHost.load({ dirs: [dir], options: { alpha: { bad: 1 }, beta: { bad: 2 }, ghost: {} }, preference: {} }),
      (e: unknown) => {
        assert.ok(e instanceof DubarrError && e.code === 'E_CONFIG_INVALID');
        for (const m of ['plugins.options.alpha.bad', 'plugins.options.beta.bad', "plugins.options.ghost: no plugin named 'ghost'"]) assert.ok(e.message.includes(m), m);
        return true;
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('language support checks', () => {
  assert.equal(languageMismatch(undefined, { sourceLanguage: 'en' }), undefined);
  assert.equal(languageMismatch({ input: '*' }, { sourceLanguage: 'xx' }), undefined);
  assert.match(languageMismatch({ input: ['en'] }, { sourceLanguage: 'de' })!, /does not take 'de'/);
  assert.match(languageMismatch({ output: ['es'] }, { targetLanguage: 'ca' })!, /does not produce 'ca'/);
  assert.equal(languageMismatch({ pairs: [['en', 'es']] }, { targetLanguage: 'es' }), undefined);
});
