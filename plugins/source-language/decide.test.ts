import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideSourceLanguage, type DecisionInput } from './decide.js';

const text = (language: string, confidence: number) => ({ language, confidence, source: 'eld' });
const min = 0.8;

test('the decision: user, then confident content, then labels; weak content never decides', () => {
  const table: Array<[what: string, input: Omit<DecisionInput, 'minConfidence'>, language: string | undefined, by?: string, overrides?: boolean]> = [
    ['the user wins over everything', { given: 'en', subtitleText: text('es', 0.99), audioTag: 'de' }, 'en', 'user', true],
    ['confident subtitle text overrules a wrong audio tag', { subtitleText: text('en', 0.97), audioTag: 'de' }, 'en', 'subtitle-text', true],
    ['confident subtitle text agreeing with the tag', { subtitleText: text('de', 0.9), audioTag: 'de' }, 'de', 'subtitle-text', false],
    ['unconfident text: the audio tag stands', { subtitleText: text('en', 0.5), audioTag: 'de' }, 'de', 'audio-tag', false],
    ['exactly at the threshold counts as confident', { subtitleText: text('en', 0.8), audioTag: 'de' }, 'en', 'subtitle-text', true],
    ['text before audio when both are confident', { subtitleText: text('en', 0.9), audio: text('de', 0.95) }, 'en', 'subtitle-text'],
    ['confident audio when the text is not', { subtitleText: text('en', 0.3), audio: text('fr', 0.9), audioTag: 'de' }, 'fr', 'audio', true],
    ['the subtitles\' own tag before the audio tag', { subtitleTag: { language: 'en', source: 'Movie.en.srt' }, audioTag: 'de' }, 'en', 'subtitle-tag', true],
    ['an untagged source recognized by an English-only recognizer', { recognizer: { language: 'en', source: 'pocketsphinx' } }, 'en', 'recognizer'],
    ['no tag at all and weak text identification: no decision (the user is asked)', { subtitleText: text('ca', 0.4) }, undefined],
    ['nothing names a language', { subtitleText: undefined }, undefined],
  ];
  for (const [what, input, language, by, overrides] of table) {
    const d = decideSourceLanguage({ ...input, minConfidence: min });
    assert.equal(d?.language, language, what);
    if (!d) continue;
    assert.equal(d.decidedBy, by, what);
    assert.equal(d.overridesTag, overrides ?? false, what);
    assert.equal(d.minConfidence, min);
  }
});

test('the decision lists all its evidence and says in words what decided and what was overruled', () => {
  const d = decideSourceLanguage({ subtitleText: text('en', 0.97), audioTag: 'de', minConfidence: min })!;
  assert.deepEqual(d.evidence.map((e) => [e.method, e.language, e.confidence]), [['subtitle-text', 'en', 0.97], ['audio-tag', 'de', undefined]]);
  assert.deepEqual([d.audioTag, d.confidence], ['de', 0.97]);
  assert.match(d.note, /^English, from the subtitle text \(eld: 97% confident\); the audio stream's tag said German and was overruled\.$/);
  const user = decideSourceLanguage({ given: 'en', subtitleText: text('es', 0.95), minConfidence: min })!;
  assert.match(user.note, /^English, as given; disagreeing: subtitle-text Spanish 95%\.$/);
  const weak = decideSourceLanguage({ subtitleText: text('en', 0.5), audioTag: 'de', minConfidence: min })!;
  assert.match(weak.note, /German, from the audio stream's language tag; content evidence was below 80%: subtitle-text English 50%/);
  const assumed = decideSourceLanguage({ recognizer: { language: 'en', source: 'pocketsphinx' }, minConfidence: min })!;
  assert.match(assumed.note, /speech recognizer .*pocketsphinx.*not tagged.*assumption/);
});
