import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanCue, type Turn } from './clean.js';
import { cuesToSegments, MIN_TURN_MS } from './cue-segments.js';

test('cleanCue: markup, SDH, lyrics, labels, dashes, whitespace', () => {
  const table: Array<[content: string, expected: Turn[], actor?: string]> = [
    ['<i>Hello</i>   there.', [{ text: 'Hello there.' }]],
    ['<font color="#ffff00">Yellow</font> <b>bold</b> <u>u</u>', [{ text: 'Yellow bold u' }]],
    ['{\\an8}Top of the screen', [{ text: 'Top of the screen' }]],
    ['{\\pos(10,20)\\c&H00FF00&}Well,\\Nsure\\hthing.', [{ text: 'Well, sure thing.' }]],
    ['{\\p1}m 0 0 l 100 0 100 100{\\p0}', []],
    ['[music]', []],
    ['[MUSIC PLAYING]\nWhere are you going?', [{ text: 'Where are you going?' }]],
    ['(laughs) That is funny.', [{ text: 'That is funny.' }]],
    ['I told you (sighs) , twice.', [{ text: 'I told you, twice.' }]],
    ['[door\ncreaks]', []],
    ['♪ Happy birthday to you ♪', []],
    ['♪ la la la', []],
    ['# Singing in the rain #', []],
    ['Wait ♫ la la ♫ what?', [{ text: 'Wait what?' }]],
    ['MAN: Get out of here!', [{ text: 'Get out of here!' }]],
    ['JOHN: Get out of here!', [{ text: 'Get out of here!', speaker: 'John' }]],
    ['MARY JANE: Hi.', [{ text: 'Hi.', speaker: 'Mary Jane' }]],
    ["WOMAN 2: No.", [{ text: 'No.' }]],
    ['MAN ON TV: Breaking news.', [{ text: 'Breaking news.' }]],
    ['JOHN (whispering): Quiet.', [{ text: 'Quiet.', speaker: 'John' }]],
    ['>> Sarah: Good evening.', [{ text: 'Good evening.', speaker: 'Sarah' }]],
    ['<v Roger Bingham>We are here.', [{ text: 'We are here.', speaker: 'Roger Bingham' }]],
    ['Note: this is dialogue.', [{ text: 'Note: this is dialogue.' }]],
    ['Meet me at 10:30.', [{ text: 'Meet me at 10:30.' }]],
    ['- Hi.\n- Hello.', [{ text: 'Hi.' }, { text: 'Hello.' }]],
    ['-Hi.\n-Hello.', [{ text: 'Hi.' }, { text: 'Hello.' }]],
    ['Are you coming?\n- No.', [{ text: 'Are you coming?' }, { text: 'No.' }]],
    ['- JOHN: Hi.\n- MARY: Hello.', [{ text: 'Hi.', speaker: 'John' }, { text: 'Hello.', speaker: 'Mary' }]],
    ['— ¿Vienes?\n— No.', [{ text: '¿Vienes?' }, { text: 'No.' }]],
    ['- Where?\n- [gunshot]', [{ text: 'Where?' }]],
    ['This line\ncontinues.', [{ text: 'This line continues.' }]],
    ['JOHN:\nI am here.', [{ text: 'I am here.', speaker: 'John' }]],
    ['Tom &amp; Jerry &lt;3', [{ text: 'Tom & Jerry <3' }]],
    ['Plain text.', [{ text: 'Plain text.', speaker: 'Rei' }], 'Rei'],
    ['   \n  ', []],
    ['...', []],
  ];
  for (const [content, expected, actor] of table) assert.deepEqual(cleanCue(content, actor), expected, JSON.stringify(content));
});

test('speaker dashes: two segments when timing allows, one without the dashes otherwise', () => {
  const long = cuesToSegments([{ start: 1000, end: 3000, content: '- Hi, John.\n- Hello, Mary.', line: 1 }]).segments;
  assert.deepEqual(long.map((s) => [s.start, s.end, s.text]), [[1000, 1857, 'Hi, John.'], [1857, 3000, 'Hello, Mary.']]);
  const short = cuesToSegments([{ start: 1000, end: 1000 + MIN_TURN_MS, content: '- Hi.\n- JOHN: Hello.', line: 1 }]).segments;
  assert.deepEqual(short, [{ start: 1000, end: 1000 + MIN_TURN_MS, text: 'Hi. Hello.' }]);
  const same = cuesToSegments([{ start: 0, end: 500, content: '- JOHN: Hi.\n- JOHN: Hello.', line: 1 }]).segments;
  assert.deepEqual(same, [{ start: 0, end: 500, text: 'Hi. Hello.', speaker: 'John' }]);
});

test('cues -> segments: empty cues dropped, sorted, duplicates and overlaps resolved', () => {
  const { segments, emptyCues } = cuesToSegments([
    { start: 5000, end: 6000, content: 'Later.', line: 9 },
    { start: 1000, end: 2500, content: 'First.', line: 1 },
    { start: 1000, end: 2500, content: 'First.', line: 2 },
    { start: 2000, end: 3000, content: 'Overlaps the first.', line: 3 },
    { start: 3000, end: 3500, content: '[applause]', line: 4 },
    { start: 5100, end: 5800, content: 'Same time.', line: 10 },
  ]);
  assert.equal(emptyCues, 1);
  assert.deepEqual(segments.map((s) => [s.start, s.end, s.text]), [
    [1000, 2000, 'First.'],
    [2000, 3000, 'Overlaps the first.'],
    [5000, 6000, 'Later. Same time.'],
  ]);
});
