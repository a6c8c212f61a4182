import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, SourceLanguageDecision, type StageInput, type Transcript } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';
import { SENTENCES } from '../../test/fixtures/speech.js';

const def = findStage(plugin, 'source-language:decide');

// Six sentences of the English talk fixture: enough text to identify.
const LINES = SENTENCES.slice(0, 6);

const subtitles = (lines: readonly string[], language?: string): Transcript => ({
  ...(language ? { language } : {}),
  source: { kind: 'subtitles', provider: 'subtitles', detail: 'sidecar talk.srt (srt, utf-8)' },
  segments: lines.map((text, i) => ({ id: `s${i}`, start: i * 3000, end: i * 3000 + 2500, text })),
});

const inputOf = (t: Transcript, extra: { tag?: string; params?: StageInput['params']; audio?: unknown; options?: object } = {}) => ({
  options: extra.options ?? {},
  params: extra.params ?? {},
  inputs: {
    text: outputOf({}, t),
    extract: outputOf({}, { audioStream: 1, ...(extra.tag ? { language: extra.tag } : {}) }),
    ...(extra.audio !== undefined ? { audio: outputOf({}, extra.audio) } : {}),
  },
});

async function decide(input: ReturnType<typeof inputOf>): Promise<SourceLanguageDecision> {
  return SourceLanguageDecision.parse((await runStageForTest(def, input)).result.data);
}

contractSuite({
  plugin,
  stage: 'source-language:decide',
  invalidOptions: { minConfidence: 1.5 },
  validInput: async () => inputOf(subtitles(LINES), { tag: 'de' }),
  corruptInput: async () => ({ options: {}, params: {}, inputs: { text: outputOf({}, { segments: 'garbage' }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  // A long film's worth of cues: identification reports progress as it goes.
  longInput: async () => inputOf(subtitles(Array.from({ length: 6000 }, (_, i) => LINES[i % LINES.length]!)), { tag: 'de' }),
});

test('untagged English subtitles next to audio tagged German: the text decides, and says it overruled the tag', async () => {
  const d = await decide(inputOf(subtitles(LINES), { tag: 'de' }));
  assert.deepEqual([d.language, d.decidedBy, d.audioTag, d.overridesTag], ['en', 'subtitle-text', 'de', true]);
  assert.ok(d.confidence! >= 0.8, `confidence ${d.confidence}`);
  assert.match(d.evidence[0]!.source ?? '', /^eld \d+\.\d+\.\d+ \(small\)$/);
});

test('a subtitle file labelled with the wrong language is identified from its text', async () => {
  const d = await decide(inputOf(subtitles(LINES, 'es'), { tag: 'es' }));
  assert.deepEqual([d.language, d.decidedBy], ['en', 'subtitle-text']);
  assert.deepEqual(d.evidence.map((e) => [e.method, e.language]), [['subtitle-text', 'en'], ['subtitle-tag', 'es'], ['audio-tag', 'es']]);
});

test('too little text to be sure: the tag stands, and the QA note says why', async () => {
  const d = await decide(inputOf(subtitles(['Where were you?']), { tag: 'de' }));
  assert.deepEqual([d.language, d.decidedBy, d.overridesTag], ['de', 'audio-tag', false]);
  assert.match(d.note, /below 80%/);
  // The threshold is the plugin option (pipeline.sourceLanguageConfidence): lowered, the same text wins.
  const low = await decide(inputOf(subtitles(['Where were you last night? I told you, I was at home.']), { tag: 'de', options: { minConfidence: 0.1 } }));
  assert.deepEqual([low.language, low.decidedBy], ['en', 'subtitle-text']);
});

test('the user\'s language wins; recognizer output is not "identified"; a skipped audio step is no evidence', async () => {
  const given = await decide(inputOf(subtitles(LINES), { tag: 'de', params: { sourceLanguage: 'spa' } }));
  assert.deepEqual([given.language, given.decidedBy, given.overridesTag], ['es', 'user', true]);
  const asr: Transcript = { language: 'en', source: { kind: 'asr', provider: 'pocketsphinx' }, segments: [{ id: 'a', start: 0, end: 900, text: 'hello there' }] };
  const recognized = await decide(inputOf(asr, { audio: null }));
  assert.deepEqual([recognized.language, recognized.decidedBy, recognized.evidence.length], ['en', 'recognizer', 1]);
  const heard = await decide(inputOf(asr, { tag: 'de', audio: { provider: 'whisper', candidates: [{ language: 'fr', confidence: 0.2 }, { language: 'en', confidence: 0.93 }] } }));
  assert.deepEqual([heard.language, heard.decidedBy], ['en', 'audio']);
});

test('nothing names a language: E_LANGUAGE_UNKNOWN telling the user to pass --from', async () => {
  await assert.rejects(runStageForTest(def, inputOf(subtitles(['OK.', 'No.', 'Hmm.']), { tag: 'und' })), (e: unknown) => {
    assert.ok(e instanceof DubarrError && e.code === 'E_LANGUAGE_UNKNOWN', String(e));
    assert.match(e.message, /--from/);
    return true;
  });
});
