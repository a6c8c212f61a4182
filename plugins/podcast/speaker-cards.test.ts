import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardBoxes, dimmed } from './card-layout.js';
import { talkSpans } from './speaker-cards.js';
import { layOutRecording } from './recording-layout.js';

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

test('a recording: lines from the transcript, each by the diarized speaker it overlaps most; sections cut at the longest pauses, titled by their first words', () => {
  const { script, timeline } = layOutRecording({
    title: 'ep1', durationMs: 30_000, fps: 25, minSectionMs: 8000,
    transcript: {
      language: 'en', source: { kind: 'asr', provider: 'pocketsphinx' },
      segments: [
        { id: 's1', start: 1000, end: 3000, text: 'good evening and welcome back' },
        { id: 's2', start: 3500, end: 6000, text: 'thank you' },
        { id: 's3', start: 12_000, end: 15_000, text: 'the first bridge in this valley' },
        { id: 's4', start: 15_400, end: 20_000, text: 'was made of wood' },
        { id: 's5', start: 20_500, end: 22_000, text: 'really' },
      ],
    },
    diarization: {
      durationMs: 30_000, embedder: 'x', speakers: [{ id: 'S1', speechMs: 9000 }, { id: 'S2', speechMs: 4000 }],
      segments: [{ start: 900, end: 3100, speaker: 'S1' }, { start: 3400, end: 6100, speaker: 'S2' }, { start: 11_900, end: 20_100, speaker: 'S1' }, { start: 20_400, end: 22_100, speaker: 'S2' }],
    },
  });
  assert.deepEqual(script.characters.map((c) => c.name), ['Speaker 1', 'Speaker 2']);
  assert.deepEqual(timeline.lines.map((l) => [l.character, l.start, l.end]), [
    ['Speaker 1', 1000, 3000], ['Speaker 2', 3500, 6000], ['Speaker 1', 12_000, 15_000], ['Speaker 1', 15_400, 20_000], ['Speaker 2', 20_500, 22_000],
  ]);
  // The 6 s pause is the longest; of the 0.5 s ones, the one at 3.25 s would make a section shorter than 8 s, the one at 20.25 s does not.
  assert.deepEqual(timeline.scenes, [
    { id: 'section-1', start: 0, end: 9000 }, { id: 'section-2', start: 9000, end: 20_250 }, { id: 'section-3', start: 20_250, end: 30_000 },
  ]);
  assert.deepEqual(script.scenes.map((s) => s.title), ['good evening and welcome back thank…', 'the first bridge in this valley…', 'really…']);
  assert.deepEqual(timeline.languages, ['en']);
});

test('a recording without a transcript or diarization: one speaker, a line per stretch of speech, no words', () => {
  const { script, timeline } = layOutRecording({
    title: 'ep2', durationMs: 10_000, fps: 25, minSectionMs: 120_000,
    speech: { durationMs: 10_000, segments: [{ start: 500, end: 2000 }, { start: 4000, end: 6000 }] },
  });
  assert.deepEqual(script.characters.map((c) => c.name), ['Speaker 1']);
  assert.deepEqual(timeline.lines.map((l) => [l.character, l.start, l.end]), [['Speaker 1', 500, 2000], ['Speaker 1', 4000, 6000]]);
  assert.deepEqual([script.scenes.length, script.scenes[0]!.title, script.language], [1, 'Part 1', 'und']);
});
