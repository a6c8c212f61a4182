import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildTinyModel } from '../../test/fixtures/tiny-models.js';
import { openFaceDetector, suppressOverlaps } from './face-detector.js';

const tinyUltraFace = async () => join(await buildTinyModel('ultraface_tiny.py'), 'version-RFB-320.onnx');

/** A dark RGB frame with a white square at (x, y, size), any frame size. */
function frame(width: number, height: number, square?: { x: number; y: number; size: number }): Buffer {
  const data = Buffer.alloc(width * height * 3, 20);
  if (square) {
    for (let r = square.y; r < square.y + square.size; r++) {
      for (let c = square.x; c < square.x + square.size; c++) data.fill(255, (r * width + c) * 3, (r * width + c) * 3 + 3);
    }
  }
  return data;
}

test('UltraFace outputs read as the export gives them: face score from column 1 of scores, boxes as x1 y1 x2 y2 fractions of the frame', async () => {
  const detector = await openFaceDetector(await tinyUltraFace());
  // The stand-in calls a 40x40 cell of its 320x240 input a face when it is bright: this square fills cells (3,2) (4,2) (3,3) (4,3).
  const faces = await detector.detect(frame(320, 240, { x: 120, y: 80, size: 80 }), 320, 240, { threshold: 0.7 });
  assert.equal(faces.length, 4);
  const union = { x1: Math.min(...faces.map((f) => f.x1)), y1: Math.min(...faces.map((f) => f.y1)), x2: Math.max(...faces.map((f) => f.x2)), y2: Math.max(...faces.map((f) => f.y2)) };
  assert.deepEqual(Object.values(union).map((v) => Math.round(v * 1000) / 1000), [120 / 320, 80 / 240, 200 / 320, 160 / 240].map((v) => Math.round(v * 1000) / 1000));
  assert.ok(faces.every((f) => f.score > 0.99));
  assert.deepEqual(await detector.detect(frame(320, 240), 320, 240, { threshold: 0.7 }), [], 'a dark frame has no face');
});

test('frames of other sizes are stretched to 320x240 first (a 16:9 frame keeps its square in the same place, relatively)', async () => {
  const detector = await openFaceDetector(await tinyUltraFace());
  // 640x360: the square at 240..400 x 120..240 covers 0.375..0.625 x 0.333..0.667, the same cells as above.
  const faces = await detector.detect(frame(640, 360, { x: 240, y: 120, size: 120 }), 640, 360, { threshold: 0.7 });
  assert.ok(faces.length >= 2, `found ${faces.length}`);
  assert.ok(faces.every((f) => f.x1 >= 0.37 && f.x2 <= 0.63 && f.y1 >= 0.33 && f.y2 <= 0.67), JSON.stringify(faces));
});

test('faces smaller than minHeight do not count', async () => {
  const detector = await openFaceDetector(await tinyUltraFace());
  const square = frame(320, 240, { x: 120, y: 80, size: 80 });
  assert.deepEqual(await detector.detect(square, 320, 240, { threshold: 0.7, minHeight: 0.2 }), [], 'a cell is 40/240 = 0.17 of the height');
  assert.equal((await detector.detect(square, 320, 240, { threshold: 0.7, minHeight: 0.15 })).length, 4);
});

test('non-maximum suppression keeps the best of overlapping boxes and every separate one', () => {
  const kept = suppressOverlaps([
    { score: 0.8, x1: 0.1, y1: 0.1, x2: 0.3, y2: 0.3 },
    { score: 0.95, x1: 0.11, y1: 0.1, x2: 0.31, y2: 0.3 },
    { score: 0.9, x1: 0.6, y1: 0.6, x2: 0.8, y2: 0.8 },
  ], 0.3);
  assert.deepEqual(kept.map((k) => k.score), [0.95, 0.9]);
});
