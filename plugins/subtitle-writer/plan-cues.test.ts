import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SubtitleWriterOptions } from './options.js';
import { planCues, type TextSegment } from './plan-cues.js';
import type { TimedLines } from './violations.js';
import { assertReadingRules } from './reading-rules.testkit.js';

const O = SubtitleWriterOptions.parse({});
const seg = (start: number, end: number, text: string, speaker?: string): TextSegment => ({ start, end, text, ...(speaker ? { speaker } : {}) });
const brief = (cues: TimedLines[]) => cues.map((c) => [c.start, c.end, c.lines.join(' | ')]);

test('reading speed: the end moves into the following gap, never past the next cue', () => {
  const forty = 'This sentence has forty characters in it';
  const free = planCues([seg(0, 1000, forty), seg(5000, 6000, 'Next one.')], O);
  assert.deepEqual(brief(free.cues)[0], [0, Math.ceil(40000 / 17), forty]);
  assert.deepEqual(free.violations, []);
  const tight = planCues([seg(0, 1000, forty), seg(1500, 4000, 'Next one.')], O);
  assert.deepEqual(brief(tight.cues), [[0, 1420, forty], [1500, 4000, 'Next one.']]);
  assert.deepEqual(tight.violations, [{ cue: 1, rule: 'max-cps', value: 28.17, limit: 17 }]);
});

test('minimum duration: extend, then borrow the gap before, then merge with a neighbour', () => {
  assert.deepEqual(brief(planCues([seg(0, 300, 'Hi.'), seg(3000, 4000, 'Bye now.')], O).cues)[0], [0, 800, 'Hi.']);
  const borrow = planCues([seg(1000, 1300, 'Hi.'), seg(1350, 3000, 'How are you?')], O);
  assert.deepEqual(brief(borrow.cues), [[470, 1270, 'Hi.'], [1350, 3000, 'How are you?']]);
  const merged = planCues([seg(0, 950, 'Okay then.'), seg(1000, 1300, 'Hi.'), seg(1350, 3000, 'How are you?')], O);
  assert.deepEqual(brief(merged.cues), [[0, 1270, 'Okay then. Hi.'], [1350, 3000, 'How are you?']]);
  assert.deepEqual(merged.violations, []);
  // Different speakers share a cue as a dialogue, a dashed line each.
  const dialogue = planCues([seg(0, 500, 'Fine.', 'A'), seg(560, 900, 'Good.', 'B'), seg(960, 3000, 'Then let us go to the station together.', 'A')], O);
  assert.deepEqual(brief(dialogue.cues)[0], [0, 880, '- Fine. | - Good.']);
});

test('text that cannot fit two lines becomes sequential cues, time shared by characters', () => {
  const text = 'This is a very long piece of text that will never fit into two lines of forty-two characters, '
    + 'so it has to be split into two or even three cues, proportionally in time.';
  const { cues, violations } = planCues([seg(6000, 18000, text)], O);
  assert.equal(cues.length, 3);
  assert.equal(cues.map((c) => c.lines.join(' ')).join(' '), text);
  assert.deepEqual([cues[0]!.start, cues.at(-1)!.end], [6000, 18000]);
  const usable = 12000 - 2 * O.minGapMs;
  let chars = 0;
  cues.forEach((c, i) => {
    const len = c.lines.join(' ').length;
    assert.ok(Math.abs(c.end - c.start - (usable * len) / (text.length - 2)) <= 2, `cue ${i + 1} is not proportional`);
    if (i > 0) assert.equal(c.start - cues[i - 1]!.end, O.minGapMs);
    chars += len;
  });
  assert.equal(chars, text.length - 2);
  assertReadingRules(cues, violations, O);
});

test('generated long, short and dense sets: every rule holds or the cue is listed', () => {
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const vocab = 'the a river house went came back tired and, hungry. old bridge; dusk walked? for hours we they said: yes! no, extraordinarily'.split(' ');
  const sentence = (n: number) => Array.from({ length: n }, () => vocab[Math.floor(rnd() * vocab.length)]).join(' ');
  let listedAny = 0;
  for (let round = 0; round < 150; round++) {
    const kind = round % 3; // 0 long, 1 short, 2 dense
    const segs: TextSegment[] = [];
    let t = Math.floor(rnd() * 500);
    for (let i = 0; i < 3 + Math.floor(rnd() * 25); i++) {
      const words = kind === 0 ? 15 + Math.floor(rnd() * 40) : kind === 1 ? 1 + Math.floor(rnd() * 3) : 3 + Math.floor(rnd() * 10);
      const dur = kind === 2 ? 150 + Math.floor(rnd() * 900) : 300 + Math.floor(rnd() * 6000);
      const gap = kind === 2 ? Math.floor(rnd() * 120) - 20 : Math.floor(rnd() * 2000);
      segs.push(seg(Math.max(0, t), Math.max(0, t) + dur, sentence(words), rnd() < 0.3 ? (rnd() < 0.5 ? 'A' : 'B') : undefined));
      t += dur + gap;
    }
    const { cues, violations } = planCues(segs, O);
    assertReadingRules(cues, violations, O);
    const words = (s: string) => s.replace(/(^|\s)- /g, '$1').split(/\s+/).filter(Boolean);
    assert.deepEqual(cues.flatMap((c) => words(c.lines.join(' '))), segs.flatMap((s) => words(s.text)), 'words lost or reordered');
    listedAny += violations.length;
  }
  assert.ok(listedAny > 0, 'dense sets must produce some listed violations, else the check proves nothing');
});
