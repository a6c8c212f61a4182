/**
 * Plugin option keys a plugin does not have are config errors, from the config file, from
 * DUBARR_* variables and from a job's overrides: the built-in plugins as configured by a user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { loadConfig } from '../config/load.js';
import { formatKeyPath } from '../config/problems.js';
import { PluginHost } from './plugin-host.js';
import { validatePluginOptions } from './plugin-options.js';

async function hostFor(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<PluginHost> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-plugin-options-'));
  try {
    await writeFile(join(dir, 'dubarr.yaml'), yaml);
    const config = loadConfig({ env, cwd: dir });
    return await PluginHost.load({ dirs: config.plugins.dirs, options: config.plugins.options, preference: config.providers.preference });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const configProblems = (e: unknown): string => {
  assert.ok(e instanceof DubarrError && e.code === 'E_CONFIG_INVALID', String(e));
  return e.message;
};

test('a removed, a misspelt and an unknown plugin option from the file and the environment: all listed, with what to set instead', async () => {
  const yaml = [
    'plugins:',
    '  options:',
    '    ffmpeg: { makeDubDefault: true, embedSubtitle: false }',
    '    espeak-ng: { rate: 160, pitch: 300 }',
    '    subtitle-writer: { formats: [ass] }',
  ].join('\n');
  await assert.rejects(hostFor(yaml, { DUBARR_PLUGINS_OPTIONS_SUBTITLE_WRITER__MAX_LINE_CHAR: '40', DUBARR_PLUGINS_OPTIONS_UNITS__COLOUR: 'red' }), (e: unknown) => {
    const message = configProblems(e);
    const lines = message.split('\n').slice(1).map((l) => l.trim()).sort();
    assert.equal(lines.length, 6, message);
    assert.match(lines[0]!, /^plugins\.options\.espeak-ng\.pitch: .*99/);
    assert.equal(lines[1], "plugins.options.ffmpeg.embedSubtitle: unknown option (did you mean 'embedSubtitles'?)");
    assert.equal(lines[2], 'plugins.options.ffmpeg.makeDubDefault: no longer an option: it is now pipeline.defaultAudio: dub');
    assert.match(lines[3]!, /^plugins\.options\.subtitle-writer\.formats: no longer an option: use pipeline\.subtitleFormats/);
    assert.equal(lines[4], "plugins.options.subtitle-writer.maxLineChar: unknown option (did you mean 'maxLineChars'?)");
    assert.equal(lines[5], 'plugins.options.units.colour: unknown option');
    return true;
  });
});

test('known options load; a job\'s override with an unknown or removed key is refused with the same advice', async () => {
  const host = await hostFor('plugins: { options: { ffmpeg: { embedSubtitles: false } } }');
  assert.deepEqual(host.optionsFor('ffmpeg', { subtitleSidecars: false }), { markSourceOriginal: true, embedSubtitles: false, subtitleSidecars: false });
  assert.throws(() => host.optionsFor('ffmpeg', { makeDubDefault: true }), (e: unknown) =>
    e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT' && /makeDubDefault: no longer an option: it is now pipeline\.defaultAudio: dub/.test(e.message));
  assert.throws(() => host.optionsFor('espeak-ng', { rat: 160 }), (e: unknown) =>
    e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT' && /rat: unknown option \(did you mean 'rate'\?\)/.test(e.message));
});

test('keys are checked at every depth (objects, maps, lists); a strict schema\'s unknown key is listed once, with its hint', () => {
  const options = z.strictObject({
    voice: z.object({ pitch: z.number().default(50) }).default({ pitch: 50 }),
    voices: z.record(z.string(), z.object({ name: z.string() })).default({}),
    lexicon: z.array(z.object({ word: z.string(), say: z.string() })).default([]),
  });
  const { problems } = validatePluginOptions({ options }, {
    voice: { pich: 60 }, voices: { es: { name: 'es', speed: 2 } }, lexicon: [{ word: 'GIF', say: 'jif', sai: 'gif' }], voise: {},
  });
  assert.deepEqual(problems.map((p) => [formatKeyPath(p.path), p.message]).sort(), [
    ['lexicon[0].sai', "unknown option (did you mean 'say'?)"],
    ['voice.pich', "unknown option (did you mean 'pitch'?)"],
    ['voices.es.speed', 'unknown option'],
    ['voise', "unknown option (did you mean 'voice'?)"],
  ]);
  assert.deepEqual(validatePluginOptions({ options }, { voice: { pitch: 60 } }), { options: { voice: { pitch: 60 }, voices: {}, lexicon: [] }, problems: [] });
});
