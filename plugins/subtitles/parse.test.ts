import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSubtitleBytes } from './decode.js';
import { parseSubtitleText } from './parse.js';

const SRT = `1
00:00:01,000 --> 00:00:02,500
<i>Hello there.</i>

2
00:00:03,000 --> 00:00:04,000
Second line
continues here.
`;

test('SRT: cues with times and raw content', () => {
  const p = parseSubtitleText(SRT, 'srt');
  assert.equal(p.format, 'srt');
  assert.deepEqual(p.warnings, []);
  assert.deepEqual(p.cues.map((c) => [c.start, c.end, c.content]), [
    [1000, 2500, '<i>Hello there.</i>'],
    [3000, 4000, 'Second line\ncontinues here.'],
  ]);
});

test('SRT: BOM, CRLF, trailing spaces, a missing number, short fractions', () => {
  const text = '\uFEFF1 \r\n00:00:01,000 --> 00:00:02,000  \r\nOne\r\n\r\n\r\n00:00:03,5 --> 00:00:04,25 X1:10 X2:20\r\nTwo\r\n';
  const p = parseSubtitleText(text, 'srt');
  assert.deepEqual(p.warnings, []);
  assert.deepEqual(p.cues.map((c) => [c.start, c.end, c.content]), [[1000, 2000, 'One'], [3500, 4250, 'Two']]);
});

test('SRT: malformed cues are skipped with a warning, the rest kept', () => {
  const text = `1
00:00:01,000 --> 00:00:02,000
Good one.

2
00:00:0x,000 --> 00:00:03,000
Bad time.

3
00:00:05,000 --> 00:00:04,000
Ends before it starts.

just some stray text

5
00:00:06,000 --> 00:00:07,000
Good two.
`;
  const p = parseSubtitleText(text, 'srt');
  assert.deepEqual(p.cues.map((c) => c.content), ['Good one.', 'Good two.']);
  assert.equal(p.warnings.length, 3, p.warnings.join('\n'));
  assert.match(p.warnings[0]!, /^line 5: /);
});

test('WebVTT: header, NOTE and STYLE blocks, cue settings, short timestamps, voices', () => {
  const text = `WEBVTT - a title

NOTE this is a comment

STYLE
::cue { color: red }

intro
00:01.000 --> 00:02.000 align:start position:10%
<v Roger Bingham>We are in New York City

00:00:03.000 --> 00:00:04.500
<c.yellow>Second</c> &amp; more
`;
  const p = parseSubtitleText(text, 'srt'); // the content, not the hint, decides
  assert.equal(p.format, 'vtt');
  assert.deepEqual(p.warnings, []);
  assert.deepEqual(p.cues.map((c) => [c.start, c.end, c.content]), [
    [1000, 2000, '<v Roger Bingham>We are in New York City'],
    [3000, 4500, '<c.yellow>Second</c> &amp; more'],
  ]);
});

test('ASS: dialogue with commas and overrides, actor names, typesetting styles and drawings', () => {
  const text = `[Script Info]
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize
Style: Default,Arial,20

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:02.50,Default,John,0,0,0,,{\\an8}Well, hello\\Nthere.
Comment: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,not shown
Dialogue: 0,0:00:03.00,0:00:04.00,Signs,,0,0,0,,EXIT
Dialogue: 0,0:00:0x.00,0:00:05.00,Default,,0,0,0,,bad time
Dialogue: 0,0:00:05.00,0:00:06.20,Default,,0,0,0,,Bye.
`;
  const p = parseSubtitleText(text);
  assert.equal(p.format, 'ass');
  assert.deepEqual(p.cues.map((c) => [c.start, c.end, c.content, c.actor]), [
    [1000, 2500, '{\\an8}Well, hello\\Nthere.', 'John'],
    [5000, 6200, 'Bye.', undefined],
  ]);
  assert.equal(p.warnings.length, 1);
  assert.match(p.warnings[0]!, /line 13/);
});

test('not a subtitle file: no cues, a warning, no throw', () => {
  for (const junk of ['', 'hello world', '\u0000\u0001\u0002binary', '{"json": true}']) {
    const p = parseSubtitleText(junk);
    assert.equal(p.cues.length, 0);
    assert.ok(p.warnings.length >= 1);
  }
});

test('decoding: UTF-8 with and without BOM, UTF-16 with BOM, Windows-1252 fallback', () => {
  const s = 'Ça va? «Très» bien — 20 €';
  const utf8 = Buffer.from(s, 'utf8');
  assert.deepEqual(decodeSubtitleBytes(utf8), { text: s, encoding: 'utf-8' });
  assert.deepEqual(decodeSubtitleBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8])), { text: s, encoding: 'utf-8' });
  assert.deepEqual(decodeSubtitleBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])), { text: s, encoding: 'utf-16le' });
  // Windows-1252 bytes: Ç=C7, «=AB, è=E8, »=BB, —=97, €=80 — invalid as UTF-8.
  const cp1252 = Buffer.from([0xc7, 0x61, 0x20, 0x76, 0x61, 0x3f, 0x20, 0xab, 0x54, 0x72, 0xe8, 0x73, 0xbb, 0x20, 0x62, 0x69, 0x65, 0x6e, 0x20, 0x97, 0x20, 0x32, 0x30, 0x20, 0x80]);
  assert.deepEqual(decodeSubtitleBytes(cp1252), { text: s, encoding: 'windows-1252' });
});
