import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contractSuite } from '../sdk/contract.js';
import { memoryCostMeter } from '../sdk/cost.js';
import { DubarrError, SynthesizedSegments, type Translation } from '../sdk/index.js';
import { findStage, outputOf } from '../sdk/testing.js';
import { readWavInfo } from '../sdk/wav.js';
import { elevenKit, KEY, type Kit } from './eleven-test-kit.testkit.js';
import plugin from './index.js';

const def = findStage(plugin, 'elevenlabs:synthesize');
type Seg = { id: string; start: number; end: number; target: string; speaker?: string };
const translation = (segments: Seg[]): Translation => ({ sourceLanguage: 'en', targetLanguage: 'es', provider: 'test', segments: segments.map((s) => ({ text: 'source', ...s })) });
const inputOf = (kit: Kit, t: Translation, options: object = {}) => ({ options: kit.options(options), params: { targetLanguage: 'es' }, inputs: { translation: outputOf({}, t) } });
const roomy = (n: number, speaker?: (i: number) => string | undefined) => translation(Array.from({ length: n }, (_, i) => ({
  id: `u${i}`, start: i * 10_000, end: i * 10_000 + 8000, target: `Hola, esta es la frase número ${i}.`, ...(speaker?.(i) ? { speaker: speaker(i)! } : {}),
})));

async function codeOf(p: Promise<unknown>): Promise<DubarrError> {
  try { await p; } catch (e) { return DubarrError.from(e); }
  assert.fail('expected a coded error');
}

{
  const kit = await elevenKit();
  contractSuite({
    plugin,
    stage: 'elevenlabs:synthesize',
    invalidOptions: { speed: 2 },
    availableOptions: { apiKey: KEY },
    unavailableOptions: {},
    validInput: async () => inputOf(kit, roomy(2)),
    corruptInput: async () => ({ options: kit.options(), params: { targetLanguage: 'es' }, inputs: { translation: outputOf({}, { segments: [{ id: 1 }] }) } }),
    corruptCode: 'E_INVALID_ARGUMENT',
    longInput: async () => inputOf(kit, roomy(40)),
    async check(run) {
      const data = SynthesizedSegments.parse(run.result.data);
      assert.equal(data.provider, 'elevenlabs');
      assert.deepEqual(data.segments.map((s) => [s.id, s.voice]), [['u0', 'v-adam'], ['u1', 'v-adam']]);
      for (const s of data.segments) {
        const info = await readWavInfo(run.result.files![s.file]!);
        assert.deepEqual([info.sampleRate, info.channels], [24000, 1]);
        assert.equal(info.durationMs, s.durationMs);
      }
    },
  });
  test('contract suite server closes', async () => { await kit.done(); });
}

test('each line is bought once with its settings, stitched to the previous line of its voice; a second run pays nothing', async () => {
  const kit = await elevenKit();
  try {
    const t = roomy(3);
    const run = await kit.run(def, inputOf(kit, t, { stability: 0.3 }));
    const tts = kit.server.requests.filter((r) => r.path.includes('/with-timestamps'));
    assert.equal(tts.length, 3);
    assert.equal(tts[0]!.headers['xi-api-key'], KEY);
    assert.deepEqual(tts[0]!.json.voice_settings, { stability: 0.3, similarity_boost: 0.75, style: 0, use_speaker_boost: true, speed: 1 });
    assert.equal(tts[0]!.json.model_id, 'eleven_multilingual_v2');
    assert.equal(tts[0]!.json.previous_request_ids, undefined);
    // The request-id header of each answer is carried into the next line's request.
    const ids = tts.map((_, i) => kit.server.requests.indexOf(tts[i]!));
    assert.ok(ids.every((x) => x >= 0));
    assert.deepEqual(tts.slice(1).map((r) => r.json.previous_request_ids?.length), [1, 1]);
    assert.notEqual(tts[1]!.json.previous_request_ids[0], tts[2]!.json.previous_request_ids[0]);
    const chars = t.segments.reduce((a, s) => a + [...s.target].length, 0);
    assert.equal(kit.server.billed.characters, chars);
    assert.deepEqual(run.cost.map((c) => [c.state, c.unit, c.quantity]), t.segments.map((s) => ['settled', 'characters', [...s.target].length]));

    assert.ok(!JSON.stringify(run.logs).includes(KEY), 'the key is in no log line');
    const again = await kit.run(def, inputOf(kit, t, { stability: 0.3 }));
    assert.equal(kit.server.paidRequests('tts'), 3, 'nothing bought again');
    assert.deepEqual(again.cost.map((c) => c.state), ['reused', 'reused', 'reused']);
    // An edited first line is bought again, stitched to the second, already bought, by its request id.
    const edited = translation([{ ...t.segments[0]!, target: 'Hola, esta frase ha cambiado.' }, ...t.segments.slice(1)]);
    await kit.run(def, inputOf(kit, edited, { stability: 0.3 }));
    const redo = kit.server.requests.filter((r) => r.path.includes('/with-timestamps')).at(-1)!;
    assert.equal(redo.json.text, 'Hola, esta frase ha cambiado.');
    assert.deepEqual(redo.json.next_request_ids, tts[2]!.json.previous_request_ids, 'the second line\'s request id');
    assert.equal(kit.server.paidRequests('tts'), 4);
    // A changed setting is another voice result: bought again.
    await kit.run(def, inputOf(kit, translation([t.segments[0]!]), { stability: 0.9 }));
    assert.equal(kit.server.paidRequests('tts'), 5);
  } finally { await kit.done(); }
});

test('speed: a line that would overflow its slot at the voice\'s measured pace is asked for faster, once', async () => {
  const kit = await elevenKit({ msPerChar: 60 });
  try {
    const long = 'Esta es una frase bastante larga que no cabe en su hueco.';
    const natural = [...long].length * 60; // ms at speed 1
    const t = translation([
      { id: 'a', start: 0, end: 20_000, target: long },
      // 85 % of the natural length: the pace measured on 'a' says it needs ~1.24x, capped at 1.2.
      { id: 'b', start: 30_000, end: 30_000 + Math.round(natural * 0.85), target: long },
      { id: 'c', start: 30_000 + Math.round(natural * 0.85), end: 70_000, target: 'Corta.' },
    ]);
    const run = await kit.run(def, inputOf(kit, t));
    const speeds = kit.server.requests.filter((r) => r.path.includes('/with-timestamps')).map((r) => r.json.voice_settings.speed);
    assert.deepEqual(speeds, [1, 1.2, 1]);
    assert.equal(kit.server.paidRequests('tts'), 3, 'no line spoken twice');
    const data = SynthesizedSegments.parse(run.result.data);
    assert.deepEqual(data.segments.map((s) => s.rate), [1, 1.2, 1]);
    assert.ok(Math.abs(data.segments[1]!.durationMs - natural / 1.2) <= 15, `${data.segments[1]!.durationMs} ms`);
    // The base speed option reaches voice_settings too.
    await kit.run(def, inputOf(kit, translation([{ id: 'x', start: 0, end: 20_000, target: 'Otra.' }]), { speed: 0.9 }));
    assert.equal(kit.server.requests.at(-1)!.json.voice_settings.speed, 0.9);
  } finally { await kit.done(); }
});

test('voices are cast by their labels: a known woman gets a woman\'s voice, an old man an old man\'s; each speaker keeps one', async () => {
  const kit = await elevenKit();
  try {
    const t = translation([
      { id: '1', start: 0, end: 5000, target: 'Uno.', speaker: 'Ana' },
      { id: '2', start: 6000, end: 9000, target: 'Dos.', speaker: 'Pedro' },
      { id: '3', start: 10_000, end: 14_000, target: 'Tres.', speaker: 'Ana' },
    ]);
    const run = await kit.run(def, inputOf(kit, t, { speakers: { Ana: { gender: 'female', age: 'old' }, Pedro: { gender: 'male', age: 'old' } } }));
    const data = SynthesizedSegments.parse(run.result.data);
    assert.deepEqual(data.segments.map((s) => s.voice), ['v-dorothy', 'v-bill', 'v-dorothy']);
    assert.equal(kit.server.requests.filter((r) => r.method === 'GET' && r.path === '/v1/voices').length, 1, 'the voice list is read once per run');
    // Ana's second line is stitched to her first, not to Pedro's.
    const tts = kit.server.requests.filter((r) => r.path.includes('/with-timestamps'));
    assert.ok(tts[2]!.path.includes('v-dorothy') && tts[2]!.json.previous_request_ids?.length === 1);
    assert.equal(tts[1]!.json.previous_request_ids, undefined);
  } finally { await kit.done(); }
});

test('errors: a wrong key is E_PROVIDER_AUTH, an exhausted quota E_PROVIDER_QUOTA, and the key appears in neither', async () => {
  const kit = await elevenKit({ quotaCharacters: 40 });
  try {
    const bad = await codeOf(kit.run(def, { ...inputOf(kit, roomy(1)), options: { apiKey: 'sk_wrong_key_123456789', baseUrl: kit.server.url } }));
    assert.equal(bad.code, 'E_PROVIDER_AUTH');
    assert.ok(!bad.message.includes('sk_wrong_key_123456789'));
    const quota = await codeOf(kit.run(def, inputOf(kit, roomy(3))));
    assert.equal(quota.code, 'E_PROVIDER_QUOTA');
    assert.match(quota.message, /quota/);
    assert.ok(!JSON.stringify(quota.toJSON()).includes(KEY));
    assert.equal(kit.server.billed.characters, 32, 'the first line was bought, the second refused');
  } finally { await kit.done(); }
});

test('429s: system_busy with Retry-After and too_many_concurrent_requests without are retried a bounded number of times', async () => {
  const kit = await elevenKit();
  try {
    kit.server.inject(/with-timestamps/, { status: 429, detail: { status: 'system_busy', message: 'busy' }, headers: { 'retry-after': '2' } },
      { status: 429, detail: { status: 'too_many_concurrent_requests', message: 'too many' } });
    const run = await kit.run(def, inputOf(kit, roomy(1)));
    assert.equal(SynthesizedSegments.parse(run.result.data).segments.length, 1);
    assert.equal(kit.server.paidRequests('tts'), 3);
    assert.equal(kit.clock.waits[0], 2000, 'Retry-After honoured');
    assert.equal(kit.server.billed.characters, 32);

    kit.server.inject(/with-timestamps/, ...Array.from({ length: 6 }, () => ({ status: 429, detail: { status: 'system_busy', message: 'busy' } })));
    const e = await codeOf(kit.run(def, inputOf(kit, translation([{ id: 'z', start: 0, end: 9000, target: 'Otra frase.' }]))));
    assert.equal(e.code, 'E_PROVIDER_RATE_LIMITED');
    assert.equal(kit.server.paidRequests('tts'), 3 + 4, 'maxAttempts (4) in all');
  } finally { await kit.done(); }
});

test('too_many_concurrent_requests: with answers slow to come, more speakers than the plan allows at once stay within `concurrency`', async () => {
  const kit = await elevenKit({ maxConcurrent: 2, holdSpeech: true });
  try {
    const t = roomy(8, (i) => `S${(i % 4) + 1}`);
    const running = kit.run(def, inputOf(kit, t, { concurrency: 2 }));
    // Four voices would send four lines at once; each answer waits until the test gives it,
    // the first only once two lines are waiting (so the two the plan allows were both sent).
    for (let i = 0; i < 8; i++) await kit.server.answerOneLine(i === 0 ? 2 : 1);
    await running;
    assert.equal(kit.server.peakInFlight, 2);
    assert.equal(kit.server.paidRequests('tts'), 8, 'no request refused, none repeated');
  } finally { await kit.done(); }
});

test('a 5xx, a timeout or malformed JSON on a line fails it without a blind resend; the retried job pays only for the lines not done', async () => {
  const kit = await elevenKit();
  try {
    const t = roomy(4);
    // After the second line is done, the next answer is a 500: the stage fails having bought two lines.
    let n = 0;
    const first = await codeOf(kit.run(def, inputOf(kit, t), {
      onProgress: () => { if (++n === 2) kit.server.inject(/with-timestamps/, { status: 500, detail: { status: 'internal', message: 'boom' } }); },
    }));
    assert.equal(first.code, 'E_PROVIDER_FAILED');
    const paidBefore = kit.server.billed.characters;
    const run = await kit.run(def, inputOf(kit, t));
    assert.deepEqual(run.cost.map((c) => c.state), ['reused', 'reused', 'settled', 'settled']);
    const all = t.segments.reduce((a, s) => a + [...s.target].length, 0);
    assert.equal(kit.server.billed.characters, all, `paid ${paidBefore} then only the rest`);

    kit.server.inject(/with-timestamps/, { malformedJson: true });
    const bad = await codeOf(kit.run(def, inputOf(kit, translation([{ id: 'm', start: 0, end: 9000, target: 'Mal formada.' }]))));
    assert.equal(bad.code, 'E_PROVIDER_FAILED');
    assert.match(bad.message, /not valid JSON/);

    kit.server.inject(/with-timestamps/, { hold: true });
    const slow = await codeOf(kit.run(def, inputOf(kit, translation([{ id: 's', start: 0, end: 9000, target: 'Lenta.' }]), { timeoutMs: 1000 })));
    assert.equal(slow.code, 'E_PROVIDER_FAILED');
    assert.match(slow.message, /did not answer within 1 s/);
    assert.equal(kit.server.requests.filter((r) => r.json?.text === 'Lenta.').length, 1, 'a create that timed out is not sent again');
  } finally { await kit.done(); }
});

test('a budget too small for the lines is refused before the request is sent', async () => {
  const kit = await elevenKit();
  try {
    const e = await codeOf(kit.run(def, inputOf(kit, roomy(2)), { cost: memoryCostMeter({ 'elevenlabs:characters': 40 }) }));
    assert.equal(e.code, 'E_BUDGET_EXCEEDED');
    assert.equal(kit.server.paidRequests('tts'), 1, 'the second line never reached the server');
    assert.equal(kit.server.billed.characters, 32);
  } finally { await kit.done(); }
});

test('a 5xx burst on a lookup (the voice list) is retried with backoff until it passes, within maxAttempts', async () => {
  const kit = await elevenKit();
  try {
    kit.server.inject(/^\/v1\/voices$/, { status: 503 }, { status: 502 }, { status: 500 });
    await kit.run(def, inputOf(kit, roomy(1)));
    assert.equal(kit.server.requests.filter((r) => r.path === '/v1/voices').length, 4);
    assert.equal(kit.clock.waits.length, 3, 'a backoff wait before each retry');
    kit.server.inject(/^\/v1\/voices$/, ...Array.from({ length: 4 }, () => ({ status: 500 })));
    await assert.rejects(kit.run(def, inputOf(kit, roomy(1))), (e: DubarrError) => e.code === 'E_PROVIDER_FAILED' && /after 4 attempts/.test(e.message));
  } finally { await kit.done(); }
});
