import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpeechSegments, Transcript, TranscriptSegment } from '../sdk/index.js';
import { UnitsOptions } from './options.js';
import { segmentUnits } from './segment-units.js';

const O = UnitsOptions.parse({});
type Seg = Omit<TranscriptSegment, 'id'>;
const seg = (start: number, end: number, text: string, more: Partial<Seg> = {}): Seg => ({ start, end, text, ...more });
const transcript = (segments: Seg[]): Transcript => ({
  language: 'en',
  source: { kind: 'asr', provider: 'test' },
  segments: segments.map((s, i) => ({ id: `s${i}`, ...s })),
});
const units = (segments: Seg[], speech?: SpeechSegments) => segmentUnits(transcript(segments), speech, O).segments;
const summary = (segments: Seg[], speech?: SpeechSegments) => units(segments, speech).map((u) => [u.start, u.end, u.text]);

test('merging: continuations, short sentences; not across speakers, long pauses or the maximum', () => {
  const table: Array<[what: string, input: Seg[], expected: Array<[number, number, string]>]> = [
    ['a sentence carried over two cues', [seg(0, 1500, 'I was going'), seg(1700, 3000, 'to the store.')], [[0, 3000, 'I was going to the store.']]],
    ['two full sentences stay apart', [seg(0, 2000, 'Hello there.'), seg(2200, 4500, 'How are you today?')],
      [[0, 2000, 'Hello there.'], [2200, 4500, 'How are you today?']]],
    ['a short sentence joins its neighbour', [seg(0, 500, 'No.'), seg(700, 2500, 'I will not go.')], [[0, 2500, 'No. I will not go.']]],
    ['not across speakers', [seg(0, 1500, 'I was going', { speaker: 'A' }), seg(1600, 3000, 'to go.', { speaker: 'B' })],
      [[0, 1500, 'I was going'], [1600, 3000, 'to go.']]],
    ['not over a long pause', [seg(0, 1500, 'I was going'), seg(2300, 3000, 'home.')], [[0, 1500, 'I was going'], [2300, 3000, 'home.']]],
    ['not past the maximum length', [seg(0, 5000, 'A long first part'), seg(5100, 9000, 'continues here.')],
      [[0, 5000, 'A long first part'], [5100, 9000, 'continues here.']]],
    ['ellipsis continuation', [seg(0, 1500, 'I was going to...'), seg(1600, 3000, '...tell you.')], [[0, 3000, 'I was going to tell you.']]],
    ['chains of short cues', [seg(0, 400, 'Yes.'), seg(500, 900, 'Yes.'), seg(1000, 1400, 'Of course.')], [[0, 1400, 'Yes. Yes. Of course.']]],
    ['empty segments dropped, unsorted input sorted', [seg(3000, 4500, 'Second one.'), seg(2000, 2500, '  '), seg(0, 1500, 'First one.')],
      [[0, 1500, 'First one.'], [3000, 4500, 'Second one.']]],
  ];
  for (const [what, input, expected] of table) assert.deepEqual(summary(input), expected, what);
});

test('splitting long units: sentence, then clause, then the biggest pause, never mid-word', () => {
  const cut = (s: Seg[], speech?: SpeechSegments) => units(s, speech).map((u) => u.text);
  const table: Array<[what: string, input: Seg[], expected: string[], speech?: SpeechSegments]> = [
    ['at the sentence end', [seg(0, 10000, 'This is the first sentence of many words. And this is the second one here.')],
      ['This is the first sentence of many words.', 'And this is the second one here.']],
    ['a sentence beats a more central clause', [seg(0, 9000, 'Right, so we went over there. Then we came back, tired and hungry, to the old house.')],
      ['Right, so we went over there.', 'Then we came back, tired and hungry, to the old house.']],
    ['at a clause when there is no sentence end', [seg(0, 10000, 'We walked along the river for hours, and then we finally reached the old bridge at dusk')],
      ['We walked along the river for hours,', 'and then we finally reached the old bridge at dusk']],
    ['Spanish ¿ ¡ sentences', [seg(0, 12000, '¿Vienes con nosotros mañana por la tarde a la playa? ¡Claro que sí, me encantaría ir con todos!')],
      ['¿Vienes con nosotros mañana por la tarde a la playa?', '¡Claro que sí, me encantaría ir con todos!']],
    ['an opening ¿ is a clause boundary', [seg(0, 9000, 'Te lo digo muy en serio ahora mismo ¿vienes con nosotros a la playa mañana?')],
      ['Te lo digo muy en serio ahora mismo', '¿vienes con nosotros a la playa mañana?']],
    ['« » quotes close a sentence', [seg(0, 12000, 'Y entonces me dijo «no pienso volver nunca más a esta casa.» Después se marchó sin decir nada más a nadie')],
      ['Y entonces me dijo «no pienso volver nunca más a esta casa.»', 'Después se marchó sin decir nada más a nadie']],
    ['… inside is a clause boundary', [seg(0, 9000, 'I thought… maybe we could try again some other day when everything is calmer')],
      ['I thought…', 'maybe we could try again some other day when everything is calmer']],
    ['an abbreviation is not a sentence end', [seg(0, 9000, 'Mr. Smith went to Washington with his wife and their three young children yesterday')],
      ['Mr. Smith went to Washington with his wife', 'and their three young children yesterday']],
    ['a single word cannot be cut', [seg(0, 10000, 'Supercalifragilisticexpialidocious')], ['Supercalifragilisticexpialidocious']],
    ['at a VAD pause when there is no punctuation', [seg(0, 10000, 'one two three four five six seven eight nine ten eleven twelve')],
      ['one two three four five six seven eight', 'nine ten eleven twelve'],
      { durationMs: 12000, segments: [{ start: 0, end: 6300 }, { start: 7100, end: 10000 }] }],
  ];
  for (const [what, input, expected, speech] of table) assert.deepEqual(cut(input, speech), expected, what);
});

test('a VAD pause sets the cut times; word timings do too and travel with their words', () => {
  const byVad = units([seg(0, 10000, 'one two three four five six seven eight nine ten eleven twelve')],
    { durationMs: 12000, segments: [{ start: 0, end: 6300 }, { start: 7100, end: 10000 }] });
  assert.deepEqual(byVad.map((u) => [u.start, u.end]), [[0, 6300], [7100, 10000]]);

  const names = 'alpha beta gamma delta epsilon zeta eta theta iota kappa'.split(' ');
  // 900 ms per word; a 700 ms pause after 'gamma', a 300 ms one after 'eta'.
  let t = 0;
  const words = names.map((w, i) => {
    const start = t + (i === 3 ? 700 : i === 7 ? 300 : 0);
    t = start + 900;
    return { start, end: t, text: w, confidence: 0.9 };
  });
  const out = units([seg(0, t, names.join(' '), { words, speaker: 'Ann', confidence: 0.8 })]);
  assert.deepEqual(out.map((u) => [u.id, u.start, u.end, u.text, u.speaker, u.confidence]), [
    ['u0001', 0, 2700, 'alpha beta gamma', 'Ann', 0.8],
    ['u0002', 3400, t, 'delta epsilon zeta eta theta iota kappa', 'Ann', 0.8],
  ]);
  assert.deepEqual(out.map((u) => u.words?.map((w) => w.text).join(' ')), ['alpha beta gamma', 'delta epsilon zeta eta theta iota kappa']);

  // ASR words without punctuation still time the punctuated text.
  const punctWords = 'so we went there then we came back home and slept'.split(' ').map((w, i) => ({ start: i * 900, end: i * 900 + 800, text: w }));
  const p = units([seg(0, 10000, 'So, we went there. Then we came back home, and slept.', { words: punctWords })]);
  assert.deepEqual(p.map((u) => [u.start, u.end, u.text]), [[0, 3500, 'So, we went there.'], [3600, 10000, 'Then we came back home, and slept.']]);
});

test('invariants on generated transcripts: bounded units, text and order kept, ids stable', () => {
  const vocab = 'the a river house went came back tired and, hungry. old bridge; dusk walked? for hours we they said: yes! no no.'.split(' ');
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 200; round++) {
    const segs: Seg[] = [];
    let t = Math.floor(rnd() * 1000);
    for (let i = 0; i < 1 + Math.floor(rnd() * 8); i++) {
      const n = 1 + Math.floor(rnd() * 40);
      const text = Array.from({ length: n }, () => vocab[Math.floor(rnd() * vocab.length)]).join(' ');
      const dur = 200 + Math.floor(rnd() * n * 400);
      segs.push(seg(t, t + dur, text, rnd() < 0.3 ? { speaker: rnd() < 0.5 ? 'A' : 'B' } : {}));
      t += dur + Math.floor(rnd() * 1500);
    }
    const out = units(segs);
    assert.equal(out.map((u) => u.text).join(' '), segs.map((s) => s.text).join(' '), 'text lost, reordered or cut mid-word');
    out.forEach((u, i) => {
      assert.equal(u.id, `u${String(i + 1).padStart(4, '0')}`);
      assert.ok(u.end >= u.start, `unit ${u.id} runs backwards`);
      if (i > 0) assert.ok(u.start >= out[i - 1]!.end, `unit ${u.id} overlaps the previous one`);
      if (u.text.includes(' ')) assert.ok(u.end - u.start <= O.maxMs, `unit ${u.id} is ${u.end - u.start} ms: ${u.text}`);
    });
  }
});
