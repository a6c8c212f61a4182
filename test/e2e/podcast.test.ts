/**
 * The podcast preset end to end, offline, through the real CLI: the bundled example episode into
 * one MP4 whose picture highlights the speaker who talks, with captions (a track, or burned in)
 * and a chapter per section.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { probeSync } from '../../native/lib/index.js';
import { packageRoot } from '../../core/app/paths.js';
import type { Timeline } from '../../plugins/sdk/index.js';
import { colourDistance, frameAt, hexColour, meanColour, type Frame } from '../../plugins/sdk/frame-pixels.testkit.js';
import { cardBoxes, dimmed } from '../../plugins/podcast/card-layout.js';
import { speechWav } from '../fixtures/speech.js';
import { dubWorkspace, stepData } from './dub-harness.js';

const W = 320;
const H = 180;
const SMALL = {
  DUBARR_PLUGINS_OPTIONS_FILM__WIDTH: String(W), DUBARR_PLUGINS_OPTIONS_FILM__HEIGHT: String(H),
  DUBARR_PLUGINS_OPTIONS_PODCAST__WIDTH: String(W), DUBARR_PLUGINS_OPTIONS_PODCAST__HEIGHT: String(H),
};
const SPEAKERS = [{ name: 'Ana', colour: '#e4572e' }, { name: 'Ben', colour: '#17bebb' }];
const BACKGROUND = '#15171c';

/** The colour of each speaker's card, from a patch in its upper half (clear of the name). */
function cardColours(f: Frame): Array<[number, number, number]> {
  return cardBoxes(SPEAKERS.length, W, H).map((b) => meanColour(f, b.x + Math.round(b.w * 0.3), b.y + Math.round(b.h * 0.2), Math.round(b.w * 0.4), Math.round(b.h * 0.3)));
}

/** Light pixels in the lower fifth of the picture, where captions are burned in. */
function lightBelow(f: Frame): number {
  let n = 0;
  for (let y = Math.round(H * 0.8); y < H; y++) for (let x = 0; x < W; x++) if (meanColour(f, x, y, 1, 1).every((c) => c > 200)) n++;
  return n;
}

test('podcast: the example episode makes one MP4: the talking speaker\'s card lit while they talk, the other dimmed; captions as a track, or burned in; a chapter per section', async () => {
  const w = await dubWorkspace('podcast');
  try {
    const script = join(w.dir, 'episode.yaml');
    await copyFile(join(packageRoot, 'config', 'examples', 'podcast', 'episode.yaml'), script);
    const run = await w.dubWithEnv(SMALL, script, '--preset', 'podcast', '--to', 'en');
    assert.equal(run.code, 0, run.err);
    const video = join(w.dir, 'episode.mp4');
    const timeline = await stepData<Timeline>(run, join(w.dir, 'data'), 'timeline');
    const p = probeSync(video);
    assert.deepEqual(p.streams.filter((s) => s.type !== 'data').map((s) => [s.type, s.codec, s.language]), [
      ['video', 'h264', null], ['audio', 'aac', 'eng'], ['subtitle', 'mov_text', 'eng'],
    ].map(([t, c, l]) => (t === 'video' ? [t, c, p.streams[0]!.language] : [t, c, l])));
    assert.ok(Math.abs(p.duration! * 1000 - timeline.durationMs) <= 40, `${p.duration} s vs ${timeline.durationMs} ms`);
    assert.deepEqual(p.chapters.map((c) => c.title), ['Welcome', 'Sun and water']);
    assert.deepEqual(p.chapters.map((c) => Math.round(c.start * 1000)), timeline.scenes.map((s) => s.start));

    // Mid-line, the one talking is in full colour and the other dimmed; before anyone talks, both dimmed.
    const expect = (talking: string | undefined) => SPEAKERS.map((s) => hexColour(s.name === talking ? s.colour : dimmed(s.colour, BACKGROUND, 0.3)));
    const at = (ms: number) => frameAt(video, ms / 1000, W, H);
    const moments: Array<[number, string | undefined]> = [
      [timeline.lines[0]!.start / 2, undefined],
      ...timeline.lines.map((l) => [(l.start + l.end) / 2, l.character] as [number, string]),
    ];
    for (const [ms, talking] of moments) {
      const seen = cardColours(at(ms));
      expect(talking).forEach((want, i) => {
        assert.ok(colourDistance(seen[i]!, want) <= 20, `at ${ms} ms (${talking ?? 'nobody'} talking) ${SPEAKERS[i]!.name}'s card is ${seen[i]}, expected ${want}`);
      });
    }
    const line = timeline.lines[1]!;
    const withTrack = lightBelow(at((line.start + line.end) / 2));

    // Burned in: no subtitle track, and the caption's light text is in the picture.
    const burned = await w.dubWithEnv({ ...SMALL, DUBARR_PLUGINS_OPTIONS_FILM__CAPTIONS: 'burn' }, script, '--preset', 'podcast', '--to', 'en');
    assert.equal(burned.code, 0, burned.err);
    assert.deepEqual(probeSync(video).streams.filter((s) => s.type === 'subtitle'), []);
    const withBurn = lightBelow(at((line.start + line.end) / 2));
    assert.ok(withBurn > withTrack + 100, `caption pixels: ${withBurn} burned vs ${withTrack} as a track`);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('podcast-audio: a recorded episode (a WAV) makes one MP4 with its own audio, a card for its one speaker lit while they talk, captions from the transcript, chapters at the long pauses', async () => {
  const w = await dubWorkspace('podcast-audio');
  try {
    const recording = await speechWav({ dir: w.dir, backgroundDb: -45 });
    const env = { ...SMALL, DUBARR_PLUGINS_OPTIONS_PODCAST__MIN_SECTION_SECONDS: '8' };
    const run = await w.dubWithEnv(env, recording.path, '--preset', 'podcast-audio', '--from', 'en');
    assert.equal(run.code, 0, run.err);
    const video = join(w.dir, 'speech-16k.mp4');
    const timeline = await stepData<Timeline>(run, join(w.dir, 'data'), 'timeline');
    const p = probeSync(video);
    assert.deepEqual(p.streams.filter((s) => s.type === 'audio' || s.type === 'subtitle').map((s) => [s.type, s.codec, s.language]),
      [['audio', 'aac', 'eng'], ['subtitle', 'mov_text', 'eng']]);
    assert.ok(Math.abs(p.duration! - recording.durationMs / 1000) <= 0.1, `${p.duration} s vs ${recording.durationMs} ms`);
    assert.ok(p.chapters.length >= 2, `${p.chapters.length} chapters`);
    assert.deepEqual(p.chapters.map((c) => Math.round(c.start * 1000)), timeline.scenes.map((s) => s.start));
    // The transcript's lines lie on the recording's speech.
    assert.ok(timeline.lines.length >= 5);
    for (const l of timeline.lines) {
      assert.ok(recording.cues.some((c) => l.start < c.end + 300 && l.end > c.start - 300), `line ${l.start}-${l.end} is on speech`);
    }
    // One speaker: lit mid-line, dimmed in the silence before the first line.
    const box = cardBoxes(1, W, H)[0]!;
    const colourAt = (ms: number) => meanColour(frameAt(video, ms / 1000, W, H), box.x + Math.round(box.w * 0.3), box.y + Math.round(box.h * 0.2), Math.round(box.w * 0.4), Math.round(box.h * 0.3));
    const first = timeline.lines[0]!;
    assert.ok(colourDistance(colourAt((first.start + first.end) / 2), hexColour(SPEAKERS[0]!.colour)) <= 20);
    assert.ok(colourDistance(colourAt(first.start / 2), hexColour(dimmed(SPEAKERS[0]!.colour, BACKGROUND, 0.3))) <= 20);
    const words = execFileSync('ffmpeg', ['-v', 'error', '-i', video, '-map', '0:s:0', '-f', 'srt', '-']).toString().toLowerCase();
    assert.match(words, /forty years|engineers|thank you for watching/, 'the captions carry the recognized words');
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
