import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignToSpeech, type Timed } from './align.js';

const span = (start: number, end: number): Timed => ({ start, end });

test('alignToSpeech snaps cue edges to overlapping speech boundaries within the tolerance', () => {
  const table: Array<[what: string, cues: Timed[], speech: Timed[], expected: Array<[number, number]>]> = [
    ['reading lead-in and linger removed', [span(900, 3200)], [span(1100, 2900)], [[1100, 2900]]],
    ['beyond the tolerance: unchanged', [span(0, 4000)], [span(1000, 2000)], [[0, 4000]]],
    ['speech starting before the cue: start moves earlier', [span(1300, 2000)], [span(1000, 2100)], [[1000, 2100]]],
    ['no overlapping speech: unchanged', [span(1000, 2000)], [span(2500, 3000)], [[1000, 2000]]],
    ['two speech runs under one cue: first start, last end', [span(1000, 4000)], [span(1100, 2000), span(2400, 3800)], [[1100, 3800]]],
    ['nearest boundary wins', [span(1000, 3000)], [span(600, 1200), span(1400, 2900)], [[600, 2900]]],
    ['never into the next cue (original start)', [span(1000, 2000), span(2200, 3000)], [span(1000, 2400)],
      [[1000, 2200], [2200, 3000]]],
    ['never before the previous cue\'s aligned end', [span(1000, 2000), span(2200, 3000)], [span(1900, 2900)],
      [[1000, 2000], [2000, 2900]]],
    ['order kept for back-to-back cues over one speech run', [span(1000, 1500), span(1500, 2000)], [span(800, 2200)],
      [[800, 1500], [1500, 2200]]],
    ['empty speech: unchanged', [span(5, 10)], [], [[5, 10]]],
  ];
  for (const [what, cues, speech, expected] of table) {
    const out = alignToSpeech(cues, speech, { toleranceMs: 500 });
    assert.deepEqual(out.map((c) => [c.start, c.end]), expected, what);
    for (let i = 1; i < out.length; i++) assert.ok(out[i]!.start >= out[i - 1]!.end, `${what}: overlap`);
  }
});

test('alignToSpeech keeps the other fields and does not mutate its input', () => {
  const cues = [{ start: 900, end: 2100, text: 'Hi', speaker: 'A' }];
  const out = alignToSpeech(cues, [span(1000, 2000)], { toleranceMs: 150 });
  assert.deepEqual(out, [{ start: 1000, end: 2000, text: 'Hi', speaker: 'A' }]);
  assert.deepEqual(cues[0], { start: 900, end: 2100, text: 'Hi', speaker: 'A' });
  assert.deepEqual(alignToSpeech(cues, [span(1000, 2000)], { toleranceMs: 50 }).map((c) => [c.start, c.end]), [[900, 2100]]);
});
