import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardBoxes, dimmed } from './card-layout.js';
import { talkSpans } from './speaker-cards.js';

test('talk spans cover the whole timeline on frame edges: silence, then each speaker while they talk', () => {
  const spans = talkSpans({
    durationMs: 5000, fps: 25, languages: ['en'], scenes: [{ id: 'scene-1', start: 0, end: 5000 }],
    lines: [
      { id: 'l1', scene: 'scene-1', character: 'Ana', start: 600, end: 1913 },
      { id: 'l2', scene: 'scene-1', character: 'Ben', start: 2263, end: 4100 },
    ],
  });
  assert.deepEqual(spans, [
    { speaker: undefined, start: 0, end: 600 }, { speaker: 'Ana', start: 600, end: 1920 },
    { speaker: undefined, start: 1920, end: 2280 }, { speaker: 'Ben', start: 2280, end: 4120 },
    { speaker: undefined, start: 4120, end: 5000 },
  ]);
});

test('cards sit side by side between the title and caption bands without overlapping; an idle card keeps part of its colour', () => {
  const boxes = cardBoxes(3, 320, 180);
  for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i]!.x >= boxes[i - 1]!.x + boxes[i - 1]!.w);
  assert.ok(boxes.every((b) => b.y >= 36 && b.y + b.h <= 144 && b.x + b.w <= 320), 'clear of the title and the captions\' bands');
  assert.equal(dimmed('#ff8000', '#000000', 0.5), '#804000');
  assert.equal(dimmed('#ff8000', '#102030', 1), '#ff8000');
});
