/**
 * openai:synthesize against the contract server, which really speaks each line (espeak-ng at
 * 175 x speed words a minute): clips land in their slots, a line too long for its slot is asked
 * again faster and the shorter clip kept, every (text, voice, model, speed, format) is bought
 * once, and the failures of a paid request are handled without paying twice.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { memoryCostMeter, SynthesizedSegments, type Translation } from '../sdk/index.js';
import { codedRejection, findStage, outputOf, runStageForTest, type TestRunOptions } from '../sdk/testing.js';
import { readWav } from '../sdk/wav.js';
import { openaiFaults, type OpenAIContractServer } from './contract-server.testkit.js';
import plugin from './index.js';
import { contractServerPerFile } from './server-per-file.testkit.js';

const KEY = 'sk-test-synth-0123456789SECRET';
const stage = findStage(plugin, 'openai:synthesize');
let server: OpenAIContractServer;
contractServerPerFile(KEY, (s) => { server = s; });

const TIGHT = 'u3';
const translation = (speakers = false): Translation => ({
  sourceLanguage: 'es', targetLanguage: 'en', provider: 'test',
  segments: [
    { id: 'u1', start: 0, end: 3000, text: 'Hola.', target: 'Good evening.', ...(speakers ? { speaker: 'S1' } : {}) },
    { id: 'u2', start: 4000, end: 7000, text: 'Bienvenidos.', target: 'Welcome back to the show.', ...(speakers ? { speaker: 'S2' } : {}) },
    // Far too long for 1.6 s at the normal pace: asked again faster.
    { id: TIGHT, start: 8000, end: 9600, text: 'Esta noche.', target: 'Tonight we talk about rivers and bridges.', ...(speakers ? { speaker: 'S1' } : {}) },
  ],
});
const input = (options: object = {}, speakers = false) => ({
  options: { apiKey: KEY, baseUrl: server.baseUrl, http: { baseDelayMs: 1, maxDelayMs: 5 }, ...options },
  params: { targetLanguage: 'en' },
  inputs: { translation: outputOf({}, translation(speakers)) },
});
/** Work dirs of runs that returned clips: the test reads them, then they go. */
const workDirs: string[] = [];
afterEach(async () => { await Promise.all(workDirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))); });
async function synthesize(options: object = {}, opts: TestRunOptions = {}, speakers = false) {
  const run = await runStageForTest<SynthesizedSegments>(stage, input(options, speakers), opts);
  workDirs.push(run.workDir);
  return run;
}


for (const speechFormat of ['pcm', 'wav'] as const) {
  test(`every line is spoken into a WAV (${speechFormat}); the one that overflows its slot is asked again faster`, async () => {
    const run = await synthesize({ speechFormat });
    const doc = SynthesizedSegments.parse(run.result.data);
    assert.equal(doc.provider, 'openai');
    assert.deepEqual(doc.segments.map((s) => s.id), ['u1', 'u2', TIGHT]);
    for (const s of doc.segments) {
      const wav = await readWav(run.result.files![s.file]!);
      assert.equal(wav.sampleRate, 24_000);
      assert.ok(Math.abs((wav.channels[0]!.length * 1000) / 24_000 - s.durationMs) <= 1);
      assert.ok(s.durationMs > 400, `${s.id} is ${s.durationMs} ms: speech, not silence`);
    }
    const bodies = server.requests.map((r) => r.body as { input: string; voice: string; model: string; response_format: string; speed: number });
    assert.ok(bodies.every((b) => b.model === 'tts-1' && b.voice === 'alloy' && b.response_format === speechFormat));
    const tight = bodies.filter((b) => b.input.startsWith('Tonight'));
    assert.equal(tight.length, 2, 'the overflowing line is asked twice');
    assert.equal(tight[0]!.speed, 1);
    const faster = doc.segments.find((s) => s.id === TIGHT)!;
    assert.ok(faster.rate > 1 && faster.rate <= 1.25, `rate ${faster.rate}`);
    assert.equal(tight[1]!.speed, Math.round(faster.rate * 1000) / 1000, 'the kept clip is the faster one, at the speed asked');
    assert.ok(bodies.filter((b) => !b.input.startsWith('Tonight')).every((b) => b.speed === 1));
    // Characters reserved before each request and settled: four requests, each once.
    const settled = run.cost.filter((c) => c.state === 'settled');
    assert.equal(settled.length, 4);
    assert.equal(server.billed.speech, 4);
    assert.deepEqual(settled.map((c) => c.quantity).sort(), bodies.map((b) => b.input.length).sort());
    assert.ok(settled.every((c) => c.unit === 'characters' && c.product === 'tts-1'));
  });
}

test('a second run finds every line already bought: no request, the spend reported as reused', async () => {
  const first = await synthesize();
  const before = server.requests.length;
  const again = await synthesize();
  assert.equal(server.requests.length, before);
  assert.equal(again.cost.filter((c) => c.state === 'settled').length, 0);
  assert.equal(again.cost.filter((c) => c.state === 'reused').length, 4);
  assert.deepEqual(SynthesizedSegments.parse(again.result.data).segments.map((s) => s.durationMs),
    SynthesizedSegments.parse(first.result.data).segments.map((s) => s.durationMs));
});

test('speakers get voices of their own', async () => {
  const run = await synthesize({}, {}, true);
  const doc = SynthesizedSegments.parse(run.result.data);
  const voice = new Map(doc.segments.map((s) => [s.id, s.voice]));
  assert.equal(voice.get('u1'), voice.get(TIGHT));
  assert.notEqual(voice.get('u1'), voice.get('u2'));
  const sent = new Set(server.requests.map((r) => (r.body as { voice: string }).voice));
  assert.deepEqual([...sent].sort(), [voice.get('u1'), voice.get('u2')].sort());
});

test('a budget short of the first line is refused before any request', async () => {
  const e = await codedRejection(synthesize({}, { cost: memoryCostMeter({ 'openai:characters': 5 }) }));
  assert.equal(e.code, 'E_BUDGET_EXCEEDED');
  assert.equal(server.requests.length, 0);
});

test('a 503 burst with retry-after-ms is waited out; each line still billed once', async () => {
  server.inject('speech', openaiFaults.serverError(503, { 'retry-after-ms': '5' }), openaiFaults.serverError(503, { 'retry-after-ms': '5' }));
  const run = await synthesize({ http: { concurrency: 1 } });
  SynthesizedSegments.parse(run.result.data);
  assert.equal(server.requests.length, 6);
  assert.equal(server.billed.speech, 4);
});

test('a 500 after the request was sent is not sent again (it may have been billed): E_PROVIDER_FAILED', async () => {
  server.inject('speech', openaiFaults.serverError(500));
  const e = await codedRejection(synthesize({ http: { concurrency: 1 } }));
  assert.equal(e.code, 'E_PROVIDER_FAILED');
  assert.equal(server.requests.length, 1);
});

test('auth and quota answers are coded, asked once, and the key never repeated', async () => {
  const wrong = 'sk-wrong-synth-key-ABCDEFGH';
  const auth = await codedRejection(synthesize({ apiKey: wrong, http: { concurrency: 1 } }));
  assert.equal(auth.code, 'E_PROVIDER_AUTH');
  assert.ok(!JSON.stringify({ m: auth.message, d: auth.details }).includes(wrong));
  server.reset();
  server.inject('speech', openaiFaults.insufficientQuota());
  assert.equal((await codedRejection(synthesize({ http: { concurrency: 1 } }))).code, 'E_PROVIDER_QUOTA');
  assert.equal(server.requests.length, 1);
});

test('an answer that is not audio is E_PROVIDER_FAILED and not kept', async () => {
  // A server that cannot make raw PCM and sends its JSON error page with 200.
  server.inject('speech', { status: 200, body: { detail: 'pcm not supported' } });
  const e = await codedRejection(synthesize({ http: { concurrency: 1 } }));
  assert.equal(e.code, 'E_PROVIDER_FAILED');
  assert.match(e.message, /speechFormat: wav/);
  const run = await synthesize();
  SynthesizedSegments.parse(run.result.data);
  assert.equal(run.cost.filter((c) => c.state === 'reused').length, 0, 'the bad answer was not cached');
});
