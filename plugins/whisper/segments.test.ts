import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLogitRules } from './logit-rules.js';
import type { WhisperConfig } from './model-config.js';
import { cutSegments } from './segments.js';
import { speechSpans } from './speech-spans.js';
import { WhisperTokenizer } from './tokenizer.js';

const TB = 100;
const ts = (ms: number) => TB + ms / 20;

test('segments: consecutive timestamps split segments; a single closing timestamp means the window is done', () => {
  // <|0.00|> a b <|1.00|><|1.20|> c <|2.00|>  (ends on a single timestamp)
  const done = cutSegments([ts(0), 1, 2, ts(1000), ts(1200), 3, ts(2000)], { timestampBegin: TB }, 30_000);
  assert.deepEqual(done.segments.map((s) => [s.start, s.end, s.from, s.to]), [[0, 1000, 0, 4], [1200, 2000, 4, 7]]);
  assert.equal(done.advanceMs, 30_000);
  // ... <|1.00|><|1.20|> c   (cut off mid-segment): the next window starts at 1.00 s
  const cut = cutSegments([ts(0), 1, 2, ts(1000), ts(1200), 3], { timestampBegin: TB }, 30_000);
  assert.deepEqual(cut.segments.map((s) => [s.start, s.end]), [[0, 1000]]);
  assert.equal(cut.advanceMs, 1000);
  // No timestamps at all (cut off): one segment over the window.
  assert.deepEqual(cutSegments([1, 2], { timestampBegin: TB }, 12_000), { segments: [{ start: 0, end: 12_000, from: 0, to: 2 }], advanceMs: 12_000 });
});

test('timestamp rules: first a timestamp within the initial limit, then pairs, never back in time', () => {
  const c = { suppress: [], beginSuppress: [], noTimestamps: 99, timestampBegin: TB, eot: 98, maxInitialTimestampIndex: 50 } as unknown as WhisperConfig;
  const V = TB + 1501;
  const logits = () => new Float32Array(V).fill(0);
  const allowed = (l: Float32Array) => [...l.keys()].filter((i) => l[i] !== -Infinity);
  let l = logits();
  applyLogitRules(l, [], c, true);
  assert.deepEqual(allowed(l), Array.from({ length: 51 }, (_, i) => TB + i), 'first token: <|0.00|> .. <|1.00|>');
  l = logits();
  l[5] = 10; // a likely word, so the "timestamps together likelier" rule does not force a timestamp
  applyLogitRules(l, [ts(200), 5], c, true);
  assert.ok(l[5] !== -Infinity && l[ts(200)] === -Infinity && l[ts(220)] !== -Infinity, 'after text: text, or a later timestamp');
  l = logits();
  l[5] = 10;
  l[98] = 10;
  applyLogitRules(l, [ts(200), 5, ts(400)], c, true);
  assert.ok(l[5] === -Infinity && l[98] !== -Infinity && l[ts(400)] !== -Infinity && l[ts(380)] === -Infinity, 'a closing timestamp: another timestamp or end-of-text');
  l = logits();
  applyLogitRules(l, [ts(200), 5], c, false);
  assert.equal(allowed(l).filter((i) => i >= TB).length, 0, 'no timestamps in no-timestamp mode');
});

test('speech spans: padded VAD regions packed into <= 30 s windows; a long region is its own span', () => {
  const vad = { durationMs: 100_000, segments: [
    { start: 1000, end: 5000 }, { start: 5100, end: 12_000 }, { start: 20_000, end: 30_500 }, { start: 31_000, end: 33_000 }, { start: 40_000, end: 95_000 },
  ] };
  // 800..30_700 fits in 30 s; 30_800..33_200 would not, so it opens the next span.
  assert.deepEqual(speechSpans(100_000, vad, 200), [{ start: 800, end: 30_700 }, { start: 30_800, end: 33_200 }, { start: 39_800, end: 95_200 }]);
  assert.deepEqual(speechSpans(100_000, undefined, 200), [{ start: 0, end: 100_000 }]);
  assert.deepEqual(speechSpans(100_000, { durationMs: 100_000, segments: [] }, 200), []);
});

test('tokenizer: byte-level BPE back to UTF-8, across tokens; special tokens never in the text', () => {
  const tok = new WhisperTokenizer({
    model: { vocab: { '\u0120a\u00c3': 0, '\u00b1os': 1, '\u0120la': 2 } },
    added_tokens: [{ id: 3, content: '<|en|>', special: true }],
  });
  assert.equal(tok.decode([2, 0, 1, 3]), ' la años');
  assert.equal(tok.specialId('<|en|>'), 3);
});
