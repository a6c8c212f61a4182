/**
 * openai:translate against the contract server's chat endpoint: what is asked (windows, the
 * lines around them, the glossary, a syllable budget per line from its slot), what is accepted
 * (every id once, nothing else, no empty line), the one corrective request and then a coded
 * failure, tokens reserved and settled from `usage`, windows bought once across a resumed job.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryCostMeter, Translation, type Transcript } from '../sdk/index.js';
import { codedRejection, findStage, outputOf, runStageForTest, type TestRunOptions } from '../sdk/testing.js';
import { openaiFaults, startOpenAIContractServer, translateLines, type ChatRequest, type OpenAIContractServer } from './contract-server.testkit.js';
import plugin from './index.js';
import { contractServerPerFile } from './server-per-file.testkit.js';

const KEY = 'sk-test-chat-0123456789SECRET';
const stage = findStage(plugin, 'openai:translate');
let server: OpenAIContractServer;
contractServerPerFile(KEY, (s) => { server = s; });

/** Five lines; each slot runs to the next line's start (the gap is the line's too), the last to its end. */
const units: Transcript = {
  language: 'en', source: { kind: 'asr', provider: 'test' },
  segments: [
    { id: 'a', start: 0, end: 1500, text: 'Good evening.' },
    { id: 'b', start: 2000, end: 5000, text: 'Welcome back to the show, said Marta.' },
    { id: 'c', start: 5000, end: 6000, text: 'Tonight: rivers.' },
    { id: 'd', start: 7000, end: 12000, text: 'The first bridge in this valley was made of wood.' },
    { id: 'e', start: 12500, end: 14000, text: 'Thank you.' },
  ],
};
/** The slots in ms, as above, and Spanish's 7.82 syllables a second. */
const SLOT_MS = { a: 2000, b: 3000, c: 2000, d: 5500, e: 1500 };
const budget = (id: keyof typeof SLOT_MS) => Math.floor((SLOT_MS[id] / 1000) * 7.82);

const input = (options: object = {}) => ({
  options: { apiKey: KEY, baseUrl: server.baseUrl, windowLines: 2, contextLines: 1, http: { baseDelayMs: 1, maxDelayMs: 5, concurrency: 1 }, ...options },
  params: { sourceLanguage: 'en', targetLanguage: 'es', glossary: [{ term: 'Marta' }, { term: 'bridge', translation: 'puente' }] },
  inputs: { units: outputOf({}, units) },
});
const translate = (options: object = {}, opts: TestRunOptions = {}) => runStageForTest<Translation>(stage, input(options), opts);
const chatBodies = () => server.requests.map((r) => r.body as unknown as ChatRequest);
const prompt = (c: ChatRequest) => JSON.parse(c.messages.find((m) => m.role === 'user')!.content) as {
  lines: Array<{ id: string; text: string; max_syllables: number }>; context_before: string[]; context_after: string[];
  glossary?: Array<{ term: string; translation?: string; keep?: boolean }>;
};


test('windows of lines, with their neighbours, the glossary and a syllable budget from each slot', async () => {
  const run = await translate();
  const doc = Translation.parse(run.result.data);
  assert.deepEqual(doc.segments.map((s) => s.target), units.segments.map((s) => `translated: ${s.text.replace('bridge', 'puente')}`));
  assert.equal(doc.provider, 'openai');
  assert.equal(doc.targetLanguage, 'es');

  const bodies = chatBodies();
  assert.equal(bodies.length, 3);
  assert.ok(bodies.every((b) => b.model === 'gpt-4o-mini' && b.response_format?.type === 'json_object' && b.temperature === 0.2));
  assert.match(bodies[0]!.messages[0]!.content, /from English to Spanish/);
  const asked = bodies.map(prompt);
  assert.deepEqual(asked.map((p) => p.lines.map((l) => l.id)), [['a', 'b'], ['c', 'd'], ['e']]);
  assert.deepEqual(asked.flatMap((p) => p.lines.map((l) => l.max_syllables)), (['a', 'b', 'c', 'd', 'e'] as const).map(budget));
  assert.deepEqual(asked.flatMap((p) => p.lines.map((l) => l.max_syllables)), [15, 23, 15, 43, 11]);
  assert.deepEqual(asked.map((p) => [p.context_before, p.context_after]), [
    [[], ['Tonight: rivers.']],
    [['Welcome back to the show, said Marta.'], ['Thank you.']],
    [['The first bridge in this valley was made of wood.'], []],
  ]);
  // Each window carries only the glossary terms its lines use.
  assert.deepEqual(asked.map((p) => p.glossary ?? []), [[{ term: 'Marta', keep: true }], [{ term: 'bridge', translation: 'puente' }], []]);

  // Tokens reserved before each request, settled with the server's usage.
  const settled = run.cost.filter((c) => c.state === 'settled');
  assert.equal(settled.length, 6);
  assert.ok(settled.every((c) => c.product === 'gpt-4o-mini'));
  const sum = (unit: string) => settled.filter((c) => c.unit === unit).reduce((a, c) => a + c.quantity, 0);
  const promptTokens = bodies.reduce((a, b) => a + Math.ceil(b.messages.reduce((x, m) => x + m.content.length, 0) / 4), 0);
  assert.equal(sum('inputTokens'), promptTokens);
  assert.equal(sum('outputTokens'), bodies.reduce((a, b) => a + Math.ceil(translateLines(b).length / 4), 0));
  // The model told the glossary kept the terms: no warning.
  assert.equal(run.logs.filter((l) => l.level === 'warn').length, 0);
});

test('an answer that is not JSON gets one corrective request, then the corrected answer is used', async () => {
  server.chatReply = (_req, n) => (n === 0 ? 'Sure! Here are the translations: ...' : undefined);
  const run = await translate({ windowLines: 5 });
  const doc = Translation.parse(run.result.data);
  assert.equal(doc.segments[0]!.target, 'translated: Good evening.');
  const bodies = chatBodies();
  assert.equal(bodies.length, 2);
  const second = bodies[1]!.messages;
  assert.equal(second.length, 4);
  assert.equal(second[2]!.role, 'assistant');
  assert.equal(second[2]!.content, 'Sure! Here are the translations: ...');
  assert.match(second[3]!.content, /not valid JSON/);
  assert.equal(run.cost.filter((c) => c.state === 'settled').length, 4, 'both requests were paid for');
});

test('an answer missing an id twice fails with E_PROVIDER_FAILED naming it, after exactly two requests', async () => {
  server.chatReply = (req) => {
    const all = JSON.parse(translateLines(req)) as { lines: Array<{ id: string; text: string }> };
    return JSON.stringify({ lines: all.lines.filter((l) => l.id !== 'c') });
  };
  const e = await codedRejection(translate({ windowLines: 5 }));
  assert.equal(e.code, 'E_PROVIDER_FAILED');
  assert.match(e.message, /id "c" was missing/);
  assert.equal(server.requests.length, 2);
  assert.match(chatBodies()[1]!.messages[3]!.content, /id "c" was missing/);
});

test('extra, repeated and empty lines are each named', async () => {
  server.chatReply = () => JSON.stringify({ lines: [
    { id: 'a', text: 'uno' }, { id: 'a', text: 'uno' }, { id: 'b', text: ' ' }, { id: 'c', text: 'tres' },
    { id: 'd', text: 'cuatro' }, { id: 'e', text: 'cinco' }, { id: 'z', text: '?' },
  ] });
  const e = await codedRejection(translate({ windowLines: 5 }));
  assert.match(e.message, /id "z" is not a line of the window/);
  assert.match(e.message, /id "a" appeared more than once/);
  assert.match(e.message, /the text of id "b" was empty/);
});

test('a job whose translation died mid-way pays again only for the windows not yet translated', async () => {
  server.inject('chat', null, openaiFaults.insufficientQuota());
  const e = await codedRejection(translate());
  assert.equal(e.code, 'E_PROVIDER_QUOTA');
  assert.equal(server.billed.chat, 1);
  const run = await translate();
  Translation.parse(run.result.data);
  assert.equal(server.billed.chat, 3, 'three windows, each bought once');
  assert.deepEqual(chatBodies().slice(2).map((b) => prompt(b).lines[0]!.id), ['c', 'e']);
  assert.equal(run.cost.filter((c) => c.state === 'reused').length, 2, 'the first window\'s tokens, reported as reused');
  // A third run buys nothing.
  const again = await translate();
  assert.equal(server.billed.chat, 3);
  assert.equal(again.cost.filter((c) => c.state === 'settled').length, 0);
});

test('a budget short of the first window is refused before any request', async () => {
  const e = await codedRejection(translate({}, { cost: memoryCostMeter({ 'openai:inputTokens': 10 }) }));
  assert.equal(e.code, 'E_BUDGET_EXCEEDED');
  assert.equal(server.requests.length, 0);
  const out = await codedRejection(translate({}, { cost: memoryCostMeter({ 'openai:outputTokens': 1 }) }));
  assert.equal(out.code, 'E_BUDGET_EXCEEDED');
  assert.equal(server.requests.length, 0);
});

test('LM Studio takes only json_schema: json_object is refused with its message; jsonMode json_schema works', async () => {
  const lmstudio = await startOpenAIContractServer({ jsonModes: ['json_schema'] });
  try {
    const base = { baseUrl: lmstudio.baseUrl, apiKey: undefined };
    const e = await codedRejection(translate(base));
    assert.equal(e.code, 'E_PROVIDER_FAILED');
    assert.match(e.message, /response_format\.type' must be 'json_schema'/);
    const run = await translate({ ...base, jsonMode: 'json_schema' });
    Translation.parse(run.result.data);
    assert.ok(lmstudio.requests.slice(1).every((r) => (r.body as unknown as ChatRequest).response_format?.type === 'json_schema'));
  } finally {
    await lmstudio.close();
  }
});

test('slow, malformed and rate-limited answers: coded, bounded, never paid twice', async () => {
  server.inject('chat', openaiFaults.hold());
  assert.equal((await codedRejection(translate({ http: { timeoutMs: 300, concurrency: 1 } }))).code, 'E_PROVIDER_FAILED');
  assert.equal(server.requests.length, 1);

  server.reset();
  server.inject('chat', openaiFaults.malformed());
  const bad = await codedRejection(translate());
  assert.equal(bad.code, 'E_PROVIDER_FAILED');
  assert.match(bad.message, /not valid JSON/);
  assert.equal(server.requests.length, 1);

  server.reset();
  server.inject('chat', openaiFaults.rateLimited({ 'retry-after-ms': '10' }), openaiFaults.rateLimited());
  const run = await translate();
  Translation.parse(run.result.data);
  assert.equal(server.requests.length, 5);
  assert.equal(server.billed.chat, 3);
  assert.equal(run.cost.filter((c) => c.state === 'released').length, 0, 'a refused request reserved nothing that stayed');
});

test('a refused key is E_PROVIDER_AUTH and the key is in no message', async () => {
  const wrong = 'sk-wrong-chat-key-QWERTYUIOP';
  const e = await codedRejection(translate({ apiKey: wrong }));
  assert.equal(e.code, 'E_PROVIDER_AUTH');
  assert.ok(!JSON.stringify({ m: e.message, d: e.details }).includes(wrong));
});
