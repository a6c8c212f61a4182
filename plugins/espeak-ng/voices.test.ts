import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignSpeakerVariants } from './speaker-variants.js';
import { listVoices, parseVoiceList, pickVoice, voiceLanguages } from './voices.js';

// Lines as espeak-ng 1.51 (Debian 12) prints them, including an MBROLA voice.
const LIST = `Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)
 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 5  en-us           --/F      us-mbrola-1        mb/mb-us1            (en 8)
 5  es              --/M      Spanish_(Spain)    roa/es
 5  es-419          --/M      Spanish_(Latin_America) roa/es-419           (es-mx 6)(es 6)
 5  fr-be           --/M      French_(Belgium)   roa/fr-BE            (fr 8)
 5  fr-fr           --/M      French_(France)    roa/fr               (fr 5)
 5  pt              --/M      Portuguese_(Portugal) roa/pt               (pt-pt 5)
 5  pt-br           --/M      Portuguese_(Brazil) roa/pt-BR            (pt 6)
`;

test('voice list: parsed, MBROLA voices (which need mbrola) left out', () => {
  const voices = parseVoiceList(LIST);
  assert.equal(voices.length, 9);
  assert.deepEqual(voices[0], { priority: 5, language: 'cmn', name: 'Chinese_(Mandarin,_latin_as_English)', file: 'sit/cmn', otherLanguages: [{ language: 'zh-cmn', priority: 5 }, { language: 'zh', priority: 5 }] });
  assert.deepEqual(voiceLanguages(voices), ['cmn', 'en', 'es', 'fr', 'pt', 'zh']);
});

test('pickVoice: exact tag, then the plain language, then the best-priority voice listing it', () => {
  const voices = parseVoiceList(LIST);
  assert.equal(pickVoice(voices, 'es'), 'es');
  assert.equal(pickVoice(voices, 'spa'), 'es');
  assert.equal(pickVoice(voices, 'es-419'), 'es-419');
  assert.equal(pickVoice(voices, 'es-AR'), 'es');
  assert.equal(pickVoice(voices, 'pt-BR'), 'pt-br');
  assert.equal(pickVoice(voices, 'en'), 'en-gb');
  assert.equal(pickVoice(voices, 'en-US'), 'en-us');
  assert.equal(pickVoice(voices, 'fr'), 'fr-fr');
  assert.equal(pickVoice(voices, 'zh'), 'cmn');
  assert.equal(pickVoice(voices, 'yo'), undefined);
});

test('the installed espeak-ng has voices for the pipeline\'s languages', async () => {
  const voices = await listVoices('espeak-ng');
  assert.equal(pickVoice(voices, 'es'), 'es');
  assert.equal(pickVoice(voices, 'ca'), 'ca');
  assert.equal(pickVoice(voices, 'en'), 'en-gb');
  assert.ok(!voices.some((v) => v.file.startsWith('mb/')));
});

test('speaker variants: by first appearance, repeating when speakers outnumber variants', () => {
  const v = assignSpeakerVariants(['B', undefined, 'A', 'B', 'C', 'A'], ['m1', 'f2']);
  assert.deepEqual([...v], [['B', 'm1'], ['A', 'f2'], ['C', 'm1']]);
});

test('speaker variants: a series speaker S<n> always gets variant n, whoever speaks first; names take the free ones', () => {
  const variants = ['m1', 'f2', 'm3', 'f4'];
  const episode1 = assignSpeakerVariants(['S1', 'S2', 'S1'], variants);
  const episode2 = assignSpeakerVariants(['S2', 'Ana', 'S1', 'S6'], variants);
  assert.deepEqual([...episode1], [['S1', 'm1'], ['S2', 'f2']]);
  assert.deepEqual([...episode2], [['S2', 'f2'], ['Ana', 'm3'], ['S1', 'm1'], ['S6', 'f2']]);
});

test('speaker variants: speakers whose gender is known (a script\'s characters) get a variant of that gender, a variant named outright is kept', () => {
  const variants = ['m1', 'f2', 'm3', 'f4', 'm5'];
  const hints = new Map([
    ['Mara', { gender: 'female' as const }], ['Tom', { gender: 'male' as const }],
    ['June', { gender: 'female' as const }], ['Lou', { voice: 'm5' }],
  ]);
  const v = assignSpeakerVariants(['Tom', 'Mara', 'June', 'Lou', 'Tom'], variants, hints);
  assert.deepEqual([...v], [['Tom', 'm1'], ['Mara', 'f2'], ['June', 'f4'], ['Lou', 'm5']]);
  // Without hints, first appearance alone would have given Mara a man's variant.
  assert.equal(assignSpeakerVariants(['Tom', 'Mara'], ['m1', 'm3', 'f2']).get('Mara'), 'm3');
  assert.equal(assignSpeakerVariants(['Tom', 'Mara'], ['m1', 'm3', 'f2'], hints).get('Mara'), 'f2');
});
