import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audibleSpan } from './audible-span.js';

test('audibleSpan keeps 10 ms before the first and 40 ms after the last sample above -50 dBFS', () => {
  const rate = 1000;
  const x = new Float32Array(1000);
  x.fill(0.001, 0, 1000); // -60 dBFS: silence
  x[300] = 0.5;
  x[600] = -0.004; // -48 dBFS: audible
  assert.deepEqual(audibleSpan([x], rate), { from: 290, to: 641 });
  assert.deepEqual(audibleSpan([x], rate, { thresholdDb: -40, keepBeforeMs: 0, keepAfterMs: 0 }), { from: 300, to: 301 });
  // A second channel's sound counts too; the margins stop at the clip's ends.
  const y = new Float32Array(1000);
  y[5] = 0.1;
  y[998] = 0.1;
  assert.deepEqual(audibleSpan([x, y], rate), { from: 0, to: 1000 });
  assert.deepEqual(audibleSpan([new Float32Array(50)], rate), { from: 0, to: 50 }, 'all silence: kept whole');
});
