import { test } from 'node:test';
import assert from 'node:assert/strict';
import { speechWav } from '../../test/fixtures/speech.js';
import { memoryCostMeter } from '../sdk/cost.js';
import { DubarrError, Transcript } from '../sdk/index.js';
import { findStage, outputOf } from '../sdk/testing.js';
import { elevenKit } from './eleven-test-kit.testkit.js';
import plugin from './index.js';

const SENTENCES = ['The boat left the harbour at dawn.', 'Nobody on the pier said a word.', 'By noon the sea had turned grey.'];
const fixture = await speechWav({ sentences: SENTENCES, backgroundDb: null, speakers: [{ voice: 'en-us' }, { voice: 'en-us', pitch: 80 }] });
const input = (options: object, sourceLanguage?: string) => ({ options, params: sourceLanguage ? { sourceLanguage } : {}, inputs: { audio: outputOf({ audio: fixture.path }) } });

test('Scribe: the upload is diarized with word timestamps, and its words become a Transcript with speakers on the speech\'s own times', async () => {
  const kit = await elevenKit({ scribeScript: SENTENCES.map((text, i) => ({ speaker: `speaker_${i % 2}`, text })) });
  try {
    const run = await kit.run<Transcript>(findStage(plugin, 'elevenlabs:transcribe'), input(kit.options(), 'en'));
    const form = kit.server.requests.find((r) => r.path === '/v1/speech-to-text')!.form!;
    assert.deepEqual(['model_id', 'diarize', 'timestamps_granularity', 'language_code'].map((k) => form.get(k)), ['scribe_v1', 'true', 'word', 'en']);
    const t = Transcript.parse(run.result.data);
    assert.equal(t.language, 'en');
    assert.equal(t.source.provider, 'elevenlabs');
    assert.deepEqual(t.segments.map((s) => [s.text, s.speaker]), SENTENCES.map((text, i) => [text, `speaker_${i % 2}`]));
    // Each segment lies on its sentence's audible speech in the generated audio.
    t.segments.forEach((s, i) => {
      const cue = fixture.cues[i]!;
      assert.ok(Math.abs(s.start - cue.start) <= 60 && Math.abs(s.end - cue.end) <= 200, `segment ${i} ${s.start}-${s.end} vs cue ${cue.start}-${cue.end}`);
      assert.equal(s.words!.length, cue.text.split(' ').length);
    });
    const seconds = Math.ceil(fixture.durationMs / 1000);
    assert.deepEqual(run.cost.map((c) => [c.state, c.unit, c.product, c.quantity]), [['settled', 'audioSeconds', 'scribe_v1', seconds]]);

    // The source-text step on the same audio reuses the paid transcription.
    const again = await kit.run<Transcript>(findStage(plugin, 'elevenlabs:source-text'), input(kit.options(), 'en'));
    assert.deepEqual(again.cost.map((c) => c.state), ['reused']);
    assert.equal(kit.server.paidRequests('scribe'), 1);
  } finally { await kit.done(); }
});

test('Scribe: a budget short of the audio\'s seconds is refused before the upload; a quota answer is E_PROVIDER_QUOTA', async () => {
  const kit = await elevenKit({ scribeScript: [] });
  try {
    const stage = findStage(plugin, 'elevenlabs:transcribe');
    await assert.rejects(kit.run(stage, input(kit.options()), { cost: memoryCostMeter({ 'elevenlabs:audioSeconds': 5 }) }), (e: DubarrError) => e.code === 'E_BUDGET_EXCEEDED');
    assert.equal(kit.server.paidRequests('scribe'), 0);
    kit.server.inject(/speech-to-text/, { status: 401, detail: { status: 'quota_exceeded', message: 'This request exceeds your quota.' } });
    await assert.rejects(kit.run(stage, input(kit.options())), (e: DubarrError) => e.code === 'E_PROVIDER_QUOTA');
    assert.equal(kit.server.paidRequests('scribe'), 1, 'not retried');
  } finally { await kit.done(); }
});

test('Scribe as identify-language: the language it hears, from the same transcription the transcribe step buys', async () => {
  const kit = await elevenKit({ scribeScript: SENTENCES.map((text) => ({ speaker: 'speaker_0', text })) });
  try {
    const run = await kit.run(findStage(plugin, 'elevenlabs:identify-language'), input(kit.options()));
    assert.deepEqual(run.result.data, { provider: 'elevenlabs', candidates: [{ language: 'en', confidence: 0.98 }], sampleMs: fixture.durationMs });
    assert.equal(kit.server.requests.find((r) => r.path === '/v1/speech-to-text')!.form!.get('language_code'), null, 'detected, not told');
    const t = await kit.run<Transcript>(findStage(plugin, 'elevenlabs:transcribe'), input(kit.options()));
    assert.equal(Transcript.parse(t.result.data).segments.length, 3);
    assert.equal(kit.server.paidRequests('scribe'), 1);
  } finally { await kit.done(); }
});
