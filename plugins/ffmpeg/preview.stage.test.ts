/**
 * ffmpeg:preview on generated film whose colour changes every second (SECOND_COLOURS) and whose
 * audio is a 1 kHz tone, dubbed by a 440 Hz tone: which second a picture came from and which
 * track plays are both measurable. H.264 (copied) and MPEG-2 (encoded) sources.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import sharp from 'sharp';
import { probeSync, thumbnailSync } from '../../native/lib/index.js';
import { contractSuite } from '../sdk/contract.js';
import type { FitPlan } from '../sdk/artifacts.js';
import { findStage, outputOf, runStageForTest, type TestRun } from '../sdk/testing.js';
import { decode } from '../../test/fixtures/audio-checks.js';
import { colourAtSecond, colourSecondsMp4, colourSecondsMpeg2, randomBytesFile, toneM4a, toneWav, twoHourMkv, LONG_SECONDS } from '../../test/fixtures/media.js';
import plugin from './index.js';
import type { MediaInfo } from './media-info.js';
import type { PreviewDocument } from './preview.stage.js';

const def = findStage(plugin, 'ffmpeg:preview');
const TOLERANCE = 16;
const workDirs: string[] = [];
after(() => Promise.all(workDirs.map((d) => rm(d, { recursive: true, force: true }))));

/** The extract stage's document for `path` (the fields preview reads). */
function extractOf(path: string): MediaInfo {
  const p = probeSync(path);
  const a = p.streams.find((s) => s.type === 'audio')!;
  return {
    audioStream: a.index, language: a.language === 'eng' ? 'en' : undefined, codec: a.codec, channels: a.channels!, channelLayout: a.channelLayout ?? 'stereo',
    sampleRate: a.sampleRate!, startMs: 0, durationMs: Math.round(p.duration! * 1000), container: 'mp4', audioStreams: 1,
    hasVideo: p.streams.some((s) => s.type === 'video'), subtitleStreams: [],
  };
}

/** A fit plan with dubbed lines at these [start, end] ms. */
function fitPlan(lines: Array<[number, number]>): FitPlan {
  return {
    language: 'es', sampleRate: 16000,
    units: lines.map(([s, e], i) => ({
      id: `u${i}`, start: s, end: e, file: `u${i}`, durationMs: e - s, sourceDurationMs: e - s, factor: 1, rate: 1,
      placedStart: s, placedEnd: e, overflowMs: 0, trimmedMs: 0,
    })),
    summary: { units: lines.length, stretched: 0, overflows: 0, maxFactor: 1, histogram: {} },
  };
}

const previewInput = (media: string, track: string, lines: Array<[number, number]>, info = extractOf(media)) => ({
  options: {}, params: { targetLanguage: 'es' },
  inputs: { source: outputOf({ media }), extract: outputOf({}, info), fit: outputOf({}, fitPlan(lines)), mix: outputOf({ track }, {}) },
});

async function run(input: ReturnType<typeof previewInput>): Promise<TestRun<PreviewDocument>> {
  const r = await runStageForTest<PreviewDocument>(def, input);
  workDirs.push(r.workDir);
  return r;
}

function assertColour(actual: number[], expected: readonly number[], what: string): void {
  assert.ok(actual.every((v, i) => Math.abs(v - expected[i]!) <= TOLERANCE), `${what}: ${actual} is not ${expected}`);
}

async function jpegCentre(file: string): Promise<{ width: number; height: number; rgb: number[] }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const at = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
  return { width: info.width, height: info.height, rgb: [...data.subarray(at, at + 3)] };
}

/** The dominant frequency of a mono signal, from its zero crossings. */
function frequency(x: Float32Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) crossings++;
  return crossings / 2 / (x.length / rate);
}

const FILM_SECONDS = 40;
// One short line early, a dense stretch late: the window must take the late one, [10 s, 40 s].
const LINES: Array<[number, number]> = [[5_000, 6_000], [30_000, 38_000]];

describe('ffmpeg:preview', () => {
  for (const [name, make, copied] of [['H.264 MP4', colourSecondsMp4, true], ['MPEG-2 VOB', colourSecondsMpeg2, false]] as const) {
    it(`${name}: 30 s around the densest speech, dub default, plays, poster and thumbnails show the film`, async () => {
      const media = await make(FILM_SECONDS);
      const r = await run(previewInput(media, await toneM4a(440, FILM_SECONDS), LINES));
      const doc = r.result.data!;
      const files = r.result.files!;
      assert.equal(doc.video!.copied, copied);
      // Copied: from the keyframe at or before 10 s (one every 0.48 s); encoded: the frame at 10 s
      // (MPEG-PS video runs 5 ms behind its audio, where the timeline starts).
      const inWindow = copied ? doc.startMs! <= 10_000 && doc.startMs! > 9_500 : doc.startMs! >= 10_000 && doc.startMs! < 10_040;
      assert.ok(inWindow, `start ${doc.startMs}`);
      assert.ok(Math.abs(doc.durationMs! - 30_000) <= 60, `duration ${doc.durationMs}`);
      assert.equal(doc.speechMs, 8_000);

      const p = probeSync(files.preview!);
      assert.ok(Math.abs(p.duration! - 30) < 0.1, `file duration ${p.duration}`);
      const [video, dub, original] = p.streams;
      assert.deepEqual([video!.codec, video!.pixelFormat], ['h264', 'yuv420p']);
      assert.deepEqual([dub!.codec, dub!.language, dub!.dispositions.default, dub!.handlerName], ['aac', 'spa', true, 'Español (AI dub)']);
      // (MP4 has no `original` flag: the track's name says it.)
      // The MPEG-PS source has no language tags.
      assert.deepEqual([original!.codec, original!.language, original!.dispositions.default, original!.handlerName], ['aac', copied ? 'eng' : 'und', false, 'Original']);
      // faststart: the index comes before the media data, so a browser starts playing at once.
      const head = readFileSync(files.preview!);
      assert.ok(head.indexOf('moov') < head.indexOf('mdat'), 'moov before mdat');

      // The default track is the dub (440 Hz), the second the original (1 kHz), both in step with the picture.
      const heard = await decode(files.preview!, { mono: true, stream: dub!.index });
      assert.ok(Math.abs(frequency(heard.channels[0]!, heard.rate) - 440) < 10, 'the default track is the dub');
      const orig = await decode(files.preview!, { mono: true, stream: original!.index });
      assert.ok(Math.abs(frequency(orig.channels[0]!, orig.rate) - 1000) < 20, 'the second track is the original');
      assert.deepEqual(probeSync(files.original!).streams.map((s) => [s.type, s.dispositions.default]), [['video', true], ['audio', true]]);

      // The video plays: a decoded frame shows what the film showed then.
      const start = doc.startMs! / 1000;
      for (const t of [0.5, 12.5, 29.5]) {
        const frame = thumbnailSync(files.preview!, { time: t, width: 32 });
        const at = (16 * 32 + 16) * 3;
        assertColour([...frame.data.subarray(at, at + 3)], colourAtSecond(start + frame.time), `preview at ${t}`);
      }

      // Poster: the preview's middle, 640 wide, the film's colour at that moment.
      const poster = await jpegCentre(files.poster!);
      assert.equal(poster.width, 640);
      assert.ok(Math.abs(doc.poster!.timeMs - doc.durationMs! / 2) < 50);
      assertColour(poster.rgb, colourAtSecond(start + doc.poster!.timeMs / 1000), 'poster');

      // Thumbnails: six, 160 wide, spread over the film, each the colour of its second.
      assert.equal(doc.thumbnails!.length, 6);
      for (const [i, t] of doc.thumbnails!.entries()) {
        const thumb = await jpegCentre(files[`thumb-${i + 1}`]!);
        assert.equal(thumb.width, 160);
        assert.ok(Math.abs(t.timeMs - ((i + 0.5) * FILM_SECONDS * 1000) / 6) < 100, `thumb ${i + 1} at ${t.timeMs}`);
        assertColour(thumb.rgb, colourAtSecond(t.timeMs / 1000), `thumb ${i + 1}`);
      }
    });
  }

  it('a film shorter than 30 s is previewed whole', async () => {
    const media = await colourSecondsMp4();
    const r = await run(previewInput(media, await toneM4a(440, 4), [[1_000, 2_000]]));
    assert.equal(r.result.data!.startMs, 0);
    assert.ok(Math.abs(r.result.data!.durationMs! - 4_000) <= 60);
  });

  it('audio without video: no preview, and the step does not fail the job', async () => {
    const media = await toneWav(1000, 2);
    const r = await run(previewInput(media, await toneM4a(440, 4), [[500, 1_000]]));
    assert.match(r.result.data!.skipped!, /no video/);
    assert.equal(r.result.files, undefined);
  });
});

contractSuite({
  plugin,
  stage: 'ffmpeg:preview',
  invalidOptions: { embedSubtitles: 1 },
  validInput: async () => previewInput(await colourSecondsMp4(), await toneM4a(440, 4), [[1_000, 2_000]]),
  corruptInput: async () => previewInput(await randomBytesFile(), await toneM4a(440, 4), [[1_000, 2_000]], extractOf(await colourSecondsMp4())),
  corruptCode: 'E_MEDIA_UNREADABLE',
  // An hour in, so the clip is cut from the middle of a long file.
  longInput: async () => previewInput(await twoHourMkv(), await toneM4a(440, 4), [[LONG_SECONDS * 500, LONG_SECONDS * 500 + 20_000]]),
});
