import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EditDistanceWork } from '../sdk/edit-distance.js';
import { outputOf } from '../sdk/testing.js';
import { wordErrors } from '../sdk/word-error-rate.js';
import { unitWordErrors, type TimedText } from './back-transcription.js';
import { buildReport } from './report.js';

/** Words of `text` spread evenly over [start, end], as a recognizer would time them. */
function spoken(start: number, end: number, text: string): TimedText[] {
  const words = text.split(' ');
  const step = (end - start) / words.length;
  return words.map((w, i) => ({ start: start + i * step, end: start + (i + 1) * step, text: w }));
}

test('unit by unit, words heard inside their own units score the same total as one global alignment', () => {
  const units = [
    { start: 0, end: 2000, text: 'El puente nuevo es de piedra.' },
    { start: 3000, end: 5000, text: '¿Quién lo construyó?' },
    { start: 6000, end: 8000, text: 'Los ingenieros del pueblo, en un año.' },
    { start: 9000, end: 9500, text: 'Gracias.' },
  ];
  const heardText = ['el puente nuevo es piedra', 'quién lo construyó ya', 'los ingenieros del pueblo en año', 'nada'];
  const heard = heardText.flatMap((t, i) => spoken(units[i]!.start + 100, units[i]!.end - 100, t));
  const global = wordErrors(units.map((u) => u.text).join(' '), heardText.join(' '));
  assert.deepEqual(unitWordErrors(units, heard), global);
  assert.deepEqual(global, { errors: 4, referenceWords: 17 });
});

test('a word heard in a pause counts in the nearer unit; words before the first and after the last count there', () => {
  const units = [{ start: 1000, end: 2000, text: 'uno dos' }, { start: 5000, end: 6000, text: 'tres cuatro' }];
  const heard = [
    ...spoken(0, 400, 'eh'), // before everything: the first unit
    ...spoken(1000, 2000, 'uno dos'),
    ...spoken(2200, 2400, 'tres'), // early, but nearer the first unit's end: an insertion there
    ...spoken(4400, 4600, 'tres'), // past halfway to the second unit: counts there
    ...spoken(5200, 5400, 'cuatro'),
    ...spoken(9000, 9100, 'fin'), // after everything: the last unit
  ];
  assert.deepEqual(unitWordErrors(units, heard), { errors: 3, referenceWords: 4 });
  assert.deepEqual(unitWordErrors([], spoken(0, 100, 'algo más')), { errors: 2, referenceWords: 0 });
  assert.deepEqual(unitWordErrors(units, []), { errors: 4, referenceWords: 4 });
});

test('a two-hour film is scored in small tables: cells grow with units x unit size, not with the film squared', () => {
  // 2 h of dub: a 12-word line every 3.5 s, heard with one word wrong in each.
  const line = 'the bridge over the river was built by the people of this valley';
  const units: TimedText[] = [];
  const heard: TimedText[] = [];
  for (let at = 0; at + 3000 <= 7_200_000; at += 3500) {
    units.push({ start: at, end: at + 3000, text: line });
    heard.push(...spoken(at, at + 3000, line.replace('river', 'rover')));
  }
  const words = 13;
  const work: EditDistanceWork = { cells: 0 };
  const result = unitWordErrors(units, heard, work);
  assert.equal(units.length, 2057);
  assert.deepEqual(result, { errors: units.length, referenceWords: units.length * words });
  assert.equal(work.cells, units.length * (words + 1) ** 2);
  // One global alignment would have filled (2057 x 13 + 1)² ≈ 7.2·10⁸ cells.
  assert.ok(work.cells * 1000 < (units.length * words + 1) ** 2);
});

test('the QA report scores the back-transcription where the fit plan placed each clip', () => {
  const seg = (id: string, start: number, end: number, target: string) => ({ id, start, end, text: '', target });
  const heard = (start: number, end: number, text: string) => ({ id: `h${start}`, start, end, text, words: spoken(start, end, text) });
  const report = buildReport({
    text: outputOf({}, { language: 'es', source: { kind: 'asr', provider: 'x' }, segments: [] }),
    'translate:en': outputOf({}, { segments: [seg('u1', 0, 3000, 'hello there'), seg('u2', 3000, 5000, 'good night')] }),
    // The fit placed u1's clip short and u2's 1.5 s before its slot; the recognizer heard u2 there.
    'fit:en': outputOf({}, { units: [
      { id: 'u1', start: 0, placedStart: 0, placedEnd: 1000 },
      { id: 'u2', start: 3000, placedStart: 1500, placedEnd: 3500 },
    ], summary: {} }),
    'back:en': outputOf({}, { source: { kind: 'asr', provider: 'rec' }, segments: [heard(100, 900, 'hello there'), heard(1600, 3400, 'good light')] }),
  }, ['en']);
  assert.deepEqual(report.targets.en!.backTranscription, { provider: 'rec', wordErrorRate: 0.25 });
});
