/**
 * The contract suite for each openai stage, against a local (keyless) contract server, and what
 * the plugin says about itself: available without a key only for a server that is not OpenAI's,
 * without a request; the engine fingerprint names the server, never the key.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { speechWav } from '../../test/fixtures/speech.js';
import { contractSuite } from '../sdk/contract.js';
import { setProviderCacheDir, type Transcript, type Translation } from '../sdk/index.js';
import { outputOf } from '../sdk/testing.js';
import { startOpenAIContractServer } from './contract-server.testkit.js';
import plugin from './index.js';
import { OpenAIOptions } from './options.js';

const server = await startOpenAIContractServer();
const cacheRoot = await mkdtemp(join(tmpdir(), 'openai-cache-'));
setProviderCacheDir(cacheRoot);
after(async () => {
  await server.close();
  await rm(cacheRoot, { recursive: true, force: true });
});

/** The plugin as a user of a local server has it: baseUrl at the contract server, no key. */
const local = { ...plugin, options: OpenAIOptions.extend({ baseUrl: z.url().default(server.baseUrl) }) };
const options = { baseUrl: server.baseUrl, maxChunkSeconds: 8 };
const unavailableOptions = { baseUrl: 'https://api.openai.com/v1' };
const invalidOptions = { baseUrl: 'not a url' };

const lines = (n: number): Transcript => ({
  language: 'en', source: { kind: 'asr', provider: 'test' },
  segments: Array.from({ length: n }, (_, i) => ({ id: `u${i + 1}`, start: i * 3000, end: i * 3000 + 2500, text: `Line number ${i + 1} of the show.` })),
});
const translated = (n: number): Translation => ({
  sourceLanguage: 'en', targetLanguage: 'es', provider: 'test',
  segments: lines(n).segments.map((s) => ({ ...s, target: s.text })),
});
async function notWav(): Promise<string> {
  const dir = await mkdtemp(join(cacheRoot, 'corrupt-'));
  const path = join(dir, 'audio.wav');
  await writeFile(path, 'this is not audio at all');
  return path;
}

contractSuite({
  plugin: local, stage: 'openai:transcribe', invalidOptions, unavailableOptions,
  validInput: async () => ({ options, params: { sourceLanguage: 'en' }, inputs: { audio: outputOf({ audio: (await speechWav({ backgroundDb: null })).path }) } }),
  corruptInput: async () => ({ options, inputs: { audio: outputOf({ audio: await notWav() }) } }),
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => ({ options, inputs: { audio: outputOf({ audio: (await speechWav({ backgroundDb: null })).path }) } }),
});

contractSuite({
  plugin: local, stage: 'openai:translate', invalidOptions, unavailableOptions,
  validInput: async () => ({ options: { ...options, windowLines: 2 }, params: { targetLanguage: 'es' }, inputs: { units: outputOf({}, lines(3)) } }),
  corruptInput: async () => ({ options, params: { targetLanguage: 'es' }, inputs: { units: outputOf({}, { segments: 'garbage' }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => ({ options: { ...options, windowLines: 1 }, params: { targetLanguage: 'es' }, inputs: { units: outputOf({}, lines(6)) } }),
});

contractSuite({
  plugin: local, stage: 'openai:synthesize', invalidOptions, unavailableOptions,
  validInput: async () => ({ options, params: { targetLanguage: 'es' }, inputs: { translation: outputOf({}, translated(2)) } }),
  corruptInput: async () => ({ options, params: { targetLanguage: 'es' }, inputs: { translation: outputOf({}, { segments: 3 }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => ({ options: { ...options, http: { concurrency: 1 } }, params: { targetLanguage: 'es' }, inputs: { translation: outputOf({}, translated(6)) } }),
});

test('without a key, OpenAI itself is unavailable and says what to set; a local server needs none; no request is made', async () => {
  server.reset();
  const openai = await plugin.available!(OpenAIOptions.parse({}));
  assert.equal(openai.ok, false);
  assert.match(openai.reason!, /plugins\.options\.openai\.apiKey/);
  assert.match(openai.reason!, /DUBARR_PLUGINS_OPTIONS_OPENAI__API_KEY/);
  assert.equal((await plugin.available!(OpenAIOptions.parse({ apiKey: 'sk-x' }))).ok, true);
  assert.equal((await plugin.available!(OpenAIOptions.parse({ baseUrl: 'http://localhost:11434/v1' }))).ok, true);
  assert.equal(server.requests.length, 0);
});

test('the engine fingerprint names the server, never the key', async () => {
  const key = 'sk-fingerprint-secret-123456';
  const print = await plugin.engine!(OpenAIOptions.parse({ apiKey: key, baseUrl: 'http://localhost:1234/v1' }), {});
  assert.deepEqual(print, { server: 'localhost:1234' });
  assert.ok(!JSON.stringify(print).includes(key));
});
