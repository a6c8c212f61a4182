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

test('a stage fingerprint follows the code its plugin loads and the engine it reports, and nothing else', async () => {
  // Two plugins: alpha uses a shared helper module, beta an npm package; each reports an engine
  // read from a per-language file, the way a provider fingerprints one language pair's data.
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-plugins-'));
  const write = async (rel: string, text: string) => { await mkdir(join(dir, rel, '..'), { recursive: true }); await writeFile(join(dir, rel), text); };
  const plugin = (name: string) => `import { readFileSync } from 'node:fs';
    export default {
      name: '${name}', version: '1.0.0', options: ${schema},
      stages: [{ id: '${name}:run', capability: 'test-fp', runIn: 'main', entry: new URL('./run.js', import.meta.url) }],
      available: async () => ({ ok: true }),
      engine: async (o, l) => ({ model: readFileSync('${dir}/model-' + l.targetLanguage, 'utf8') }),
    };`;
  try {
    await write('shared/text.js', 'export const shout = (s) => s.toUpperCase();\n');
    await write('node_modules/pad-ish/package.json', '{ "name": "pad-ish", "version": "1.0.0", "main": "index.js" }');
    await write('node_modules/pad-ish/index.js', 'module.exports = (s) => s;\n');
    await write('plugins/alpha/index.js', plugin('alpha'));
    await write('plugins/alpha/run.js', "import { shout } from '../../shared/text.js';\nexport default async () => ({ data: shout('a') });\n");
    await write('plugins/beta/index.js', plugin('beta'));
    await write('plugins/beta/run.js', "import pad from 'pad-ish';\nexport default async () => ({ data: pad('b') });\n");
    await write('model-es', 'v1');
    await write('model-ca', 'v1');
    // A new host per look, as after a restart: code identities are computed once per host.
    const prints = async () => {
      const host = await PluginHost.load({ dirs: [join(dir, 'plugins')], options: {}, preference: {} });
      const out: Record<string, string> = {};
      for (const p of ['alpha', 'beta']) {
        for (const to of ['es', 'ca']) out[`${p}/${to}`] = JSON.stringify(await host.fingerprint(p, {}, { sourceLanguage: 'en', targetLanguage: to }));
      }
      return out;
    };
    let last = await prints();
    const changedSince = async () => {
      const now = await prints();
      const diff = Object.keys(now).filter((k) => now[k] !== last[k]).sort();
      last = now;
      return diff;
    };
    assert.deepEqual(await changedSince(), [], 'stable across restarts');
    await write('shared/text.js', 'export const shout = (s) => `${s.toUpperCase()}!`;\n');
    assert.deepEqual(await changedSince(), ['alpha/ca', 'alpha/es'], 'a module alpha loads changed');
    await write('node_modules/pad-ish/package.json', '{ "name": "pad-ish", "version": "1.0.1", "main": "index.js" }');
    assert.deepEqual(await changedSince(), ['beta/ca', 'beta/es'], 'an npm package beta imports was upgraded');
    await write('model-ca', 'v2');
    assert.deepEqual(await changedSince(), ['alpha/ca', 'beta/ca'], 'an engine change for one language touches only that language');
    await write('unrelated.js', 'export const x = 1;\n');
    assert.deepEqual(await changedSince(), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a step's option overrides decide availability: a step naming an installed model picks the provider the configured default does not", async () => {
  const modelSchema = `{ safeParse: (v) => ({ success: true, data: { model: 'default-model', ...(v ?? {}) } }) }`;
  const dir = await externalPlugins({
    neural: `export default {
      name: 'neural', version: '1.0.0', options: ${modelSchema},
      stages: [{ id: 'neural:translate', capability: 'test-translate', runIn: 'main', entry: new URL('./t.js', import.meta.url) }],
      available: async (o) => (o.model === 'installed-model' ? { ok: true } : { ok: false, reason: 'no model ' + o.model + ' is installed' }),
    };`,
  });
  try {
    const host = await PluginHost.load({ dirs: [dir], options: {}, preference: {} });
    await assert.rejects(host.select('test-translate'), /neural: unavailable \(no model default-model is installed\)/);
    const chosen = await host.select('test-translate', { overrides: (p) => (p === 'neural' ? { model: 'installed-model' } : undefined) });
    assert.deepEqual(chosen.map((c) => c.plugin.def.name), ['neural']);
    assert.deepEqual(host.optionsFor('neural', { model: 'installed-model' }), { model: 'installed-model' });
    // The configured options' answer is cached apart from the overridden one.
    await assert.rejects(host.select('test-translate'), /no model default-model/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
