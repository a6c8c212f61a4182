/**
 * openai:transcribe against the contract server, on espeak-ng speech made at test time: the
 * server hears the uploads, so the times it answers are the uploads' real speech times, and the
 * test checks they land back on the track's own (measured) cue times across several uploads.
 * Then what a cloud step owes: coded errors, bounded retries, no duplicate spend, a resumed
 * job that pays only for the uploads not yet answered, a budget refused before any request,
 * and the key never repeated.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { speechWav, type SpeechFixture } from '../../test/fixtures/speech.js';
import { memoryCostMeter, Transcript, type SpeechSegments } from '../sdk/index.js';
import { codedRejection, findStage, outputOf, runStageForTest, type TestRunOptions } from '../sdk/testing.js';
import { openaiFaults, startOpenAIContractServer, type OpenAIContractServer } from './contract-server.testkit.js';
import plugin from './index.js';
import { contractServerPerFile } from './server-per-file.testkit.js';

const KEY = 'sk-test-0123456789abcdefSECRET';
const stage = findStage(plugin, 'openai:transcribe');
let speech: SpeechFixture;
let server: OpenAIContractServer;
const { freshCache } = contractServerPerFile(KEY, (s) => { server = s; });
before(async () => {
  // Digital silence between the sentences, so "sound" is speech for the server's ears.
  speech = await speechWav({ backgroundDb: null });
});

const vad = (): SpeechSegments => ({ durationMs: speech.durationMs, segments: speech.cues.map((c) => ({ start: c.start, end: c.end })) });
const input = (options: object = {}, withVad = true) => ({
  options: { apiKey: KEY, baseUrl: server.baseUrl, http: { baseDelayMs: 1, maxDelayMs: 5 }, ...options },
  params: { sourceLanguage: 'en' },
  inputs: { audio: outputOf({ audio: speech.path }), ...(withVad ? { vad: outputOf({}, vad()) } : {}) },
});
const transcribe = (options: object = {}, withVad = true, opts: TestRunOptions = {}) => runStageForTest<Transcript>(stage, input(options, withVad), opts);


test('speech regions packed into several uploads come back on the track at their own times, with words', async () => {
  const run = await transcribe({ maxChunkSeconds: 8 });
  const t = Transcript.parse(run.result.data);
  assert.ok(server.uploads.length >= 3, `expected several uploads, got ${server.uploads.length}`);
  for (const u of server.uploads) assert.ok(u.durationMs <= 8000, `an upload of ${u.durationMs} ms is over maxChunkSeconds`);
  assert.equal(server.billed.transcriptions, server.uploads.length);
  // Only speech was sent: less than the track.
  const sent = server.uploads.reduce((a, u) => a + u.durationMs, 0);
  assert.ok(sent < speech.durationMs * 0.9, `sent ${sent} ms of a ${speech.durationMs} ms track`);
  assert.equal(t.segments.length, speech.cues.length, JSON.stringify(t.segments.map((s) => [s.start, s.end])));
  t.segments.forEach((s, i) => {
    const cue = speech.cues[i]!;
    assert.ok(Math.abs(s.start - cue.start) <= 60, `segment ${i} starts at ${s.start}, its cue at ${cue.start}`);
    assert.ok(Math.abs(s.end - cue.end) <= 60, `segment ${i} ends at ${s.end}, its cue at ${cue.end}`);
    assert.ok(s.words && s.words.length >= 1, `segment ${i} has words`);
    assert.ok(s.words[0]!.start >= s.start && s.words.at(-1)!.end <= s.end, `segment ${i}'s words lie inside it`);
  });
  assert.equal(t.language, 'en');
  assert.equal(t.source.provider, 'openai');
  // The upload is what the documented request asks for.
  const first = server.requests[0]!;
  assert.equal(first.body.model, 'whisper-1');
  assert.equal(first.body.response_format, 'verbose_json');
  assert.deepEqual(first.body['timestamp_granularities[]'], ['word', 'segment']);
  assert.equal(first.body.language, 'en');
  // Billed per upload, in audio seconds, settled with what the server says it heard.
  const settled = run.cost.filter((c) => c.state === 'settled');
  assert.equal(settled.length, server.uploads.length);
  assert.ok(settled.every((c) => c.unit === 'audioSeconds' && c.provider === 'openai' && c.product === 'whisper-1'));
  assert.ok(Math.abs(settled.reduce((a, c) => a + c.quantity, 0) - sent / 1000) < 0.01);
});

test('without VAD the whole track is sent in maxChunkSeconds pieces, each offset by where it starts', async () => {
  const run = await transcribe({ maxChunkSeconds: 10 }, false);
  const t = Transcript.parse(run.result.data);
  assert.equal(server.uploads.length, Math.ceil(speech.durationMs / 10_000));
  // A cue cut by a piece boundary is heard as two segments; every other cue as one at its time.
  for (const cue of speech.cues) {
    if (Math.floor(cue.start / 10_000) !== Math.floor(cue.end / 10_000)) continue;
    assert.ok(t.segments.some((s) => Math.abs(s.start - cue.start) <= 60 && Math.abs(s.end - cue.end) <= 60), `no segment at cue ${cue.start}-${cue.end}`);
  }
});

test('a job that died mid-way pays again only for the uploads not yet answered', async () => {
  // The third upload's answer is lost: a 500 after sending is not retried (it may have been billed).
  server.inject('transcriptions', null, null, openaiFaults.serverError(500));
  const e = await codedRejection(transcribe({ maxChunkSeconds: 8 }));
  assert.equal(e.code, 'E_PROVIDER_FAILED');
  assert.equal(server.requests.length, 3, 'a 500 on a paid request is not sent again');
  assert.equal(server.billed.transcriptions, 2);
  const run = await transcribe({ maxChunkSeconds: 8 });
  Transcript.parse(run.result.data);
  // Across both runs every upload was answered (and billed) once: the resumed run sent the
  // failed upload and the rest, and took the two answered before from the cache.
  const chunks = server.uploads.length;
  assert.ok(chunks >= 4);
  assert.equal(server.billed.transcriptions, chunks);
  assert.equal(run.cost.filter((c) => c.state === 'reused').length, 2);
  assert.equal(run.cost.filter((c) => c.state === 'settled').length, chunks - 2);
});

test('a budget too small for the first upload is refused before any request', async () => {
  const cost = memoryCostMeter({ 'openai:audioSeconds': 1 });
  const e = await codedRejection(transcribe({ maxChunkSeconds: 8 }, true, { cost }));
  assert.equal(e.code, 'E_BUDGET_EXCEEDED');
  assert.equal(server.requests.length, 0);
});

test('a refused key is E_PROVIDER_AUTH, asked once, and the key is in no message or log', async () => {
  const wrong = 'sk-wrong-key-ABCDEFGHIJKLMNOP';
  const err = await codedRejection(transcribe({ apiKey: wrong }));
  assert.equal(err.code, 'E_PROVIDER_AUTH');
  assert.equal(server.requests.length, 1);
  const said = JSON.stringify({ message: err.message, details: err.details, stack: err.stack });
  assert.ok(!said.includes(wrong), said);
  assert.match(err.message, /401/);
});

test('429 insufficient_quota is E_PROVIDER_QUOTA at once; rate_limit_exceeded is retried as the server asks', async () => {
  server.inject('transcriptions', openaiFaults.insufficientQuota());
  assert.equal((await codedRejection(transcribe({ maxChunkSeconds: 8 }))).code, 'E_PROVIDER_QUOTA');
  assert.equal(server.requests.length, 1);

  server.reset();
  server.inject('transcriptions', openaiFaults.rateLimited({ 'retry-after-ms': '30' }), openaiFaults.rateLimited({ 'x-ratelimit-reset-requests': '40ms' }));
  const run = await transcribe({ maxChunkSeconds: 8 });
  const waits = run.logs.filter((l) => (l.msg ?? '').startsWith('openai: retrying')).map((l) => l.obj as { waitMs: number; serverAsked: boolean });
  assert.deepEqual(waits.map((w) => [w.waitMs, w.serverAsked]), [[30, true], [40, true]]);
  // Two refusals, then every upload once: nothing billed twice.
  assert.equal(server.requests.length, server.uploads.length + 2);
  assert.equal(server.billed.transcriptions, server.uploads.length);
  assert.ok(!JSON.stringify(run.logs).includes(KEY), 'the key is in the logs');
});

test('retries are bounded: a server that keeps refusing fails after maxAttempts with E_PROVIDER_RATE_LIMITED', async () => {
  server.inject('transcriptions', ...Array.from({ length: 5 }, () => openaiFaults.rateLimited()));
  const e = await codedRejection(transcribe({ http: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } }));
  assert.equal(e.code, 'E_PROVIDER_RATE_LIMITED');
  assert.equal(server.requests.length, 3);
  assert.equal(server.billed.transcriptions, 0);
});

test('a Retry-After longer than the stage waits hands the wait to the job at once', async () => {
  server.inject('transcriptions', openaiFaults.rateLimited({ 'retry-after': '120' }));
  const e = await codedRejection(transcribe({ http: { maxServerWaitMs: 1000 } }));
  assert.equal(e.code, 'E_PROVIDER_RATE_LIMITED');
  assert.equal(server.requests.length, 1);
  assert.match(e.message, /asked to wait 120 s/);
});

test('an answer slower than the timeout fails the paid request without sending it again', async () => {
  server.inject('transcriptions', openaiFaults.hold());
  const e = await codedRejection(transcribe({ http: { timeoutMs: 300 } }));
  assert.equal(e.code, 'E_PROVIDER_FAILED');
  assert.match(e.message, /did not answer within/);
  assert.equal(server.requests.length, 1);
  assert.equal(server.billed.transcriptions, 0);
});

test('a 5xx burst with Retry-After is waited out; malformed JSON is E_PROVIDER_FAILED', async () => {
  server.inject('transcriptions', openaiFaults.serverError(503, { 'retry-after-ms': '5' }), openaiFaults.serverError(503, { 'retry-after-ms': '5' }));
  const run = await transcribe();
  Transcript.parse(run.result.data);
  assert.equal(server.requests.length, server.uploads.length + 2);

  server.reset();
  await freshCache();
  server.inject('transcriptions', openaiFaults.malformed());
  const e = await codedRejection(transcribe());
  assert.equal(e.code, 'E_PROVIDER_FAILED');
  assert.match(e.message, /not valid JSON/);
  assert.equal(server.requests.length, 1);
});

test('a local server without a key: no Authorization header is sent', async () => {
  const local = await startOpenAIContractServer();
  try {
    const run = await runStageForTest<Transcript>(stage, { ...input(), options: { baseUrl: local.baseUrl, maxChunkSeconds: 8 } });
    assert.ok(Transcript.parse(run.result.data).segments.length > 0);
    assert.ok(local.requests.every((r) => r.headers.authorization === undefined));
  } finally {
    await local.close();
  }
});
