import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Script } from '../sdk/index.js';
import { layOut } from './lay-out.js';

const line = (id: string, character: string) => ({ id, character, text: id, translations: {}, sourceLine: 1 });
const script: Script = {
  title: 'T', language: 'en', music: { prompt: '', enabled: false },
  characters: [{ name: 'A', colour: '#ffffff' }, { name: 'B', colour: '#000000' }],
  scenes: [
    { id: 'scene-1', minDurationMs: 0, sourceLine: 1, lines: [line('l1', 'A'), line('l2', 'B')] },
    { id: 'scene-2', minDurationMs: 5000, sourceLine: 1, lines: [line('l3', 'A')] },
    { id: 'scene-3', minDurationMs: 2000, sourceLine: 1, lines: [] },
  ],
};

test('lines follow each other with the lead-in, gaps and tail; a line lasts its longest language; scenes are whole frames, at least their minimum', () => {
  const spoken = new Map([['l1', 1000], ['l2', 1234], ['l3', 900]]);
  const t = layOut(script, spoken, ['en', 'es'], { leadInMs: 500, gapMs: 300, tailMs: 800, fps: 25 });
  assert.deepEqual(t.lines.map((l) => [l.id, l.scene, l.start, l.end]), [
    ['l1', 'scene-1', 500, 1500], ['l2', 'scene-1', 1800, 3034], ['l3', 'scene-2', 3840 + 500, 3840 + 1400],
  ]);
  // Scene 1: 3034 + 800 = 3834 ms, up to the next whole frame (40 ms): 3840 ms.
  assert.deepEqual(t.scenes, [
    { id: 'scene-1', start: 0, end: 3840 }, { id: 'scene-2', start: 3840, end: 8840 }, { id: 'scene-3', start: 8840, end: 10840 },
  ]);
  assert.equal(t.durationMs, 10840);
  for (const s of t.scenes) assert.equal(((s.end - s.start) * 25) % 1000, 0, `${s.id} is whole frames`);
});
