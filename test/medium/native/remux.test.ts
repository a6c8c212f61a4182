/**
 * remux: original streams copied byte for byte (video and audio packet checksums equal the
 * source's), new tracks carry their tags and dispositions, durations hold, in MKV and MP4;
 * with two audio tracks the right one is tagged; fallback to MKV; no partial files.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { probe, remux, remuxSync, type NativeError, type ProbeResult } from '../../../native/lib/index.js';
import { toolTag } from '../../../native/lib/binding.js';
import * as media from '../../fixtures/media.js';
import { ffprobe, firstFrameTime, packets, presentationZero, span } from './ffprobe.js';
import { scratchDir, settledLeftovers } from './scratch.js';

const dir = scratchDir('remux');

async function assertSameStream(source: string, sourceIndex: number, output: string, outputIndex: number): Promise<void> {
  const [a, b] = await Promise.all([packets(source, sourceIndex), packets(output, outputIndex)]);
  assert.ok(a.length > 0);
  assert.equal(b.length, a.length, `stream ${sourceIndex}: packet count`);
  assert.deepEqual(b.map((p) => p.hash), a.map((p) => p.hash), `stream ${sourceIndex}: packet payloads differ (re-encoded?)`);
}

function tag(info: ProbeResult, index: number, name: string): string | undefined {
  const tags = info.streams[index]!.tags;
  const key = Object.keys(tags).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : tags[key];
}

/**
 * A new track lasts as long as its file (within one frame) and its first sound sits where its
 * file's does, counted from the source's zero: the source's timeline is kept as it is, and a
 * new track's priming or pre-skip is handled inside that track (dropped in Matroska, an edit
 * list in MP4), so it never moves the rest of the file.
 */
async function assertTrackTiming(dub: string, source: string, output: string, outputIndex: number): Promise<void> {
  const [track, file, trackStart, fileStart, sourceZero, dubZero] = await Promise.all([
    span(output, outputIndex), span(dub, 0), firstFrameTime(output, outputIndex), firstFrameTime(dub, 0), presentationZero(source), presentationZero(dub),
  ]);
  const length = track.end - trackStart;
  assert.ok(Math.abs(length - (file.end - fileStart)) <= file.maxPacket + 1e-3, `new track lasts ${length} s, its file ${file.end - fileStart} s`);
  const offset = trackStart - sourceZero;
  const expected = fileStart - dubZero;
  assert.ok(Math.abs(offset - expected) <= 0.002, `new track starts ${offset} s after the source's zero, expected ${expected} s`);
}

describe('remux to MKV', () => {
  it('copies every original stream, adds tagged tracks, tags the right one of two audio tracks', async () => {
    const source = await media.h264Ac3Mkv();
    const dub = await media.toneM4a(660, 4);
    const srt = await media.srtFile();
    const result = await remux({
      source,
      out: join(dir, 'dubbed.mkv'),
      audio: [{ path: dub, language: 'spa', title: 'Español (doblaje)', dispositions: { dub: true } }],
      subtitles: [{ path: srt, language: 'spa', title: 'Español', dispositions: { forced: true, hearingImpaired: true } }],
      markSourceOriginal: 2,
      defaultAudio: 'dub',
      sourceStreams: [{ index: 2, title: 'Deutsch (Original)' }],
    });
    assert.equal(result.container, 'mkv');
    assert.equal(result.fallbackReason, null);
    assert.equal(result.path, join(dir, 'dubbed.mkv'));
    assert.deepEqual(
      result.streams.map((s) => [s.index, s.origin, s.originIndex, s.codec]),
      [[0, 'source', 0, 'h264'], [1, 'source', 1, 'ac3'], [2, 'source', 2, 'ac3'], [3, 'source', 3, 'subrip'], [4, 'audio', 0, 'aac'], [5, 'subtitle', 0, 'subrip'], [6, 'source', 4, 'ttf']],
    );

    for (const i of [0, 1, 2, 3]) await assertSameStream(source, i, result.path, i);

    const info = await probe(result.path);
    const before = await probe(source);
    assert.deepEqual(info.streams.map((s) => s.codec), ['h264', 'ac3', 'ac3', 'subrip', 'aac', 'subrip', 'ttf']);
    // The source's audio: English loses default (the dub takes it), German is marked original and renamed.
    assert.deepEqual([info.streams[1]!.dispositions.default, info.streams[1]!.dispositions.original, info.streams[1]!.title], [false, false, 'English 5.1']);
    assert.deepEqual([info.streams[2]!.dispositions.original, info.streams[2]!.title, info.streams[2]!.language], [true, 'Deutsch (Original)', 'ger']);
    const dubInfo = info.streams[4]!;
    assert.deepEqual([dubInfo.language, dubInfo.title, dubInfo.dispositions.default, dubInfo.dispositions.dub], ['spa', 'Español (doblaje)', true, true]);
    const sub = info.streams[5]!;
    assert.deepEqual([sub.language, sub.title, sub.dispositions.forced, sub.dispositions.hearingImpaired, sub.dispositions.default], ['spa', 'Español', true, true, false]);
    assert.equal(info.streams[0]!.dispositions.default, true, 'video keeps its flags');
    assert.deepEqual(info.attachments.map(({ filename, mimeType, size }) => [filename, mimeType, size]), before.attachments.map(({ filename, mimeType, size }) => [filename, mimeType, size]));
    assert.deepEqual(info.chapters.map((c) => [c.title, c.start, c.end]), before.chapters.map((c) => [c.title, c.start, c.end]));
    assert.equal(info.tags.ENCODER, toolTag);
    assert.match(toolTag, /^dubarr \d+\.\d+\.\d+/);
    await assertTrackTiming(dub, source, result.path, 4);
    assert.deepEqual(await settledLeftovers(dir), []);
  });

  it('keeps WebM when the new track fits, else falls back to MKV and says why', async () => {
    const webm = await media.vp9OpusWebm();
    const opus = join(dir, 'dub.opus');
    const { encodeAudio } = await import('../../../native/lib/index.js');
    await encodeAudio(await media.toneWav(660, 2), opus, { codec: 'opus' });
    const kept = await remux({ source: webm, out: join(dir, 'kept.webm'), audio: [{ path: opus, language: 'spa' }] });
    assert.deepEqual([kept.container, kept.path, kept.fallbackReason], ['webm', join(dir, 'kept.webm'), null]);
    assert.equal((await ffprobe(kept.path)).format.format_name, 'matroska,webm');

    const fallback = await remux({ source: webm, out: join(dir, 'fallback.webm'), audio: [{ path: await media.toneM4a(660, 2), language: 'spa' }] });
    assert.equal(fallback.container, 'mkv');
    assert.equal(fallback.path, join(dir, 'fallback.mkv'));
    assert.match(fallback.fallbackReason!, /aac .*cannot go into webm/);
    assert.equal(existsSync(join(dir, 'fallback.webm')), false);
    await assertSameStream(webm, 0, fallback.path, 0);
  });
});

describe('remux to MP4', () => {
  it('copies streams, converts SRT to mov_text, puts the title in handler_name', async () => {
    const source = await media.h264AacMp4();
    const dub = await media.toneM4a(660, 4);
    const result = remuxSync({
      source,
      out: join(dir, 'dubbed.mp4'),
      audio: [{ path: dub, language: 'spa', title: 'Español', dispositions: { dub: true } }],
      subtitles: [{ path: await media.srtFile(), language: 'spa', title: 'Spanish subtitles', dispositions: { forced: true } }],
      markSourceOriginal: true,
      defaultAudio: 'dub',
    });
    assert.equal(result.container, 'mp4');
    assert.deepEqual(result.streams.map((s) => s.codec), ['h264', 'aac', 'aac', 'mov_text']);
    await assertSameStream(source, 0, result.path, 0);
    await assertSameStream(source, 1, result.path, 1);
    const info = await probe(result.path);
    assert.deepEqual([info.streams[1]!.language, info.streams[1]!.dispositions.default], ['eng', false]);
    const dubInfo = info.streams[2]!;
    assert.deepEqual([dubInfo.language, dubInfo.handlerName, dubInfo.dispositions.default, dubInfo.dispositions.dub], ['spa', 'Español', true, true]);
    const sub = info.streams[3]!;
    assert.deepEqual([sub.codec, sub.language, sub.handlerName, sub.dispositions.forced], ['mov_text', 'spa', 'Spanish subtitles', true]);
    assert.equal(info.tags.encoder, toolTag);
    assert.ok(Math.abs(info.duration! - 4) < 0.05);
    await assertTrackTiming(dub, source, result.path, 2);
  });

  it('refuses an explicit MP4 when a stream cannot go there', async () => {
    await assert.rejects(
      remux({ source: await media.h264Ac3Mkv(), out: join(dir, 'no.mp4'), container: 'mp4' }),
      (e: NativeError) => e.code === 'E_UNSUPPORTED_CODEC' && /ttf .*mp4/.test(e.message),
    );
    assert.equal(existsSync(join(dir, 'no.mp4')), false);
    assert.deepEqual(await settledLeftovers(dir), []);
  });

  it('keeps timestamps (a late audio start stays late) and puts WebVTT into MKV as it is', async () => {
    const result = await remux({ source: await media.lateAudioMp4(), out: join(dir, 'late.mkv'), container: 'mkv', subtitles: [{ path: await media.vttFile(), language: 'eng' }] });
    assert.deepEqual(result.streams.map((s) => s.codec), ['h264', 'aac', 'webvtt']);
    const late = (await probe(result.path)).streams[1]!;
    assert.ok(Math.abs(late.startTime! - (media.LATE_AUDIO_START - 1024 / 48000)) < 0.002, `late audio still starts at ${late.startTime}`);
  });

  it('an MPEG-TS recording whose clock starts an hour in: the MKV starts at 0 and lasts as long, the dub placed from the source\'s start, the video copied', async () => {
    const source = await media.mpegTs();
    const dub = await media.toneM4a(660, 2);
    const before = await ffprobe(source);
    const sourceStart = Number(before.format.start_time);
    assert.ok(sourceStart > media.MPEG_TS_START, 'the fixture starts late');
    const result = await remux({ source, out: join(dir, 'recording.mkv'), audio: [{ path: dub, offset: 1, language: 'spa', dispositions: { dub: true } }] });
    assert.equal(result.container, 'mkv');
    const after = await ffprobe(result.path);
    // What ffprobe (and so Jellyfin) reports: a start near 0 and the source's length, not an hour more.
    assert.ok(Number(after.format.start_time) < 0.1, `starts at ${after.format.start_time}`);
    assert.ok(Math.abs(Number(after.format.duration) - Number(before.format.duration)) < 0.1, `lasts ${after.format.duration} s, the source ${before.format.duration} s`);
    // Everything moved by the same amount: the source's audio and the dub keep their places relative to the start.
    const [sourceAudio, outAudio, outDub, dubFirst, sourceZero, outZero, dubZero] = await Promise.all([
      firstFrameTime(source, 1), firstFrameTime(result.path, 1), firstFrameTime(result.path, 2), firstFrameTime(dub, 0),
      presentationZero(source), presentationZero(result.path), presentationZero(dub),
    ]);
    assert.ok(outZero < 0.1, `the output's zero is ${outZero}`);
    assert.ok(Math.abs((outAudio - outZero) - (sourceAudio - sourceZero)) < 0.002, 'the source audio keeps its place');
    // Its first audible sample 1 s after the start; Matroska keeps the AAC priming frame before it.
    const priming = 1024 / 48000;
    assert.ok(Math.abs((outDub - outZero) - (1 + dubFirst - dubZero - priming)) < 0.002, `the dub starts 1 s after the start (its first packet at ${outDub})`);
    await assertSameStream(source, 0, result.path, 0);
  });
});

/** Default flags by stream type, as ffprobe (the CLI's own reader) sees them. */
async function defaults(path: string, type: 'audio' | 'subtitle' | 'video'): Promise<number[]> {
  return (await ffprobe(path)).streams.filter((s) => s.codec_type === type).map((s) => s.disposition!.default!);
}

describe('default tracks: exactly one default audio, no default subtitle unless asked', () => {
  it('an MPEG-PS source (no default flags at all): its audio becomes the default, or the dub when asked', async () => {
    const source = await media.mpegPs();
    assert.deepEqual(await defaults(source, 'audio'), [0]);
    const dub = await media.toneM4a(660, 4);
    const kept = await remux({ source, out: join(dir, 'ps.mkv'), audio: [{ path: dub, language: 'spa' }], markSourceOriginal: true });
    assert.equal(kept.container, 'mkv');
    assert.deepEqual(await defaults(kept.path, 'audio'), [1, 0]);
    // Its last video packet has no presentation time, which Matroska cannot store: libav's
    // genpts supplies it, and every packet is still copied as it was.
    await assertSameStream(source, 0, kept.path, 0);
    await assertSameStream(source, 1, kept.path, 1);
    const dubbed = await remux({ source, out: join(dir, 'ps-dub.mkv'), audio: [{ path: dub, language: 'spa' }], defaultAudio: 'dub' });
    assert.deepEqual(await defaults(dubbed.path, 'audio'), [0, 1]);
  });

  it('two default audio tracks in the source: the first stays the only one, in MP4 and MKV', async () => {
    const source = await media.twoDefaultAudioMp4();
    assert.deepEqual(await defaults(source, 'audio'), [1, 1]);
    const dub = await media.toneM4a(660, 4);
    for (const container of ['mp4', 'mkv'] as const) {
      const kept = await remux({ source, out: join(dir, `two.${container}`), container, audio: [{ path: dub, language: 'spa' }] });
      assert.deepEqual(await defaults(kept.path, 'audio'), [1, 0, 0], container);
      const dubbed = await remux({ source, out: join(dir, `two-dub.${container}`), container, audio: [{ path: dub, language: 'spa' }], defaultAudio: 'dub' });
      assert.deepEqual(await defaults(dubbed.path, 'audio'), [0, 0, 1], container);
    }
  });

  it('MP4: added subtitle tracks are not default unless asked (the muxer enables the first), index at the end or the front', async () => {
    const source = await media.h264AacMp4();
    const srt = await media.srtFile();
    for (const faststart of [false, true]) {
      const none = await remux({ source, out: join(dir, `subs-${faststart}.mp4`), faststart, subtitles: [{ path: srt, language: 'spa' }, { path: srt, language: 'cat' }] });
      assert.deepEqual(await defaults(none.path, 'subtitle'), [0, 0], `faststart ${faststart}`);
      assert.deepEqual([await defaults(none.path, 'video'), await defaults(none.path, 'audio')], [[1], [1]], 'video and audio keep theirs');
      await assertSameStream(source, 0, none.path, 0);
      const asked = await remux({
        source, out: join(dir, `subs-asked-${faststart}.mp4`), faststart,
        subtitles: [{ path: srt, language: 'spa', dispositions: { default: true } }, { path: srt, language: 'cat' }],
      });
      assert.deepEqual(await defaults(asked.path, 'subtitle'), [1, 0], `faststart ${faststart}`);
    }
    // The edited file is still whole: the CLI decodes its audio and video without a complaint
    // and reads the subtitles back.
    const cli = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, 'subs-true.mp4'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(cli('-map', '0:v', '-map', '0:a', '-f', 'null', '-'), '');
    assert.match(cli('-map', '0:s:1', '-f', 'srt', '-'), /Hello there\./);
  });

  it('MKV: added subtitle tracks are not default unless asked', async () => {
    const source = await media.h264AacMp4();
    const srt = await media.srtFile();
    const none = await remux({ source, out: join(dir, 'subs.mkv'), container: 'mkv', subtitles: [{ path: srt, language: 'spa' }] });
    assert.deepEqual(await defaults(none.path, 'subtitle'), [0]);
    const asked = await remux({ source, out: join(dir, 'subs-asked.mkv'), container: 'mkv', subtitles: [{ path: srt, language: 'spa', dispositions: { default: true } }] });
    assert.deepEqual(await defaults(asked.path, 'subtitle'), [1]);
  });
});

describe('remux arguments', () => {
  it('rejects bad plans with E_INVALID_ARGUMENT', async () => {
    const source = await media.h264AacMp4();
    const bad = [
      { source, out: join(dir, 'x.mp4'), audio: [{ path: source, language: 'spanish' }] },
      { source, out: join(dir, 'x.mp4'), sourceStreams: [{ index: 9, title: 'x' }] },
      { source, out: join(dir, 'x.mp4'), markSourceOriginal: 0 },
      { source, out: join(dir, 'x.mp4'), subtitles: [{ path: join(dir, 'subs.txt') }] },
      { source, out: join(dir, 'x.mp4'), audio: [{ path: source, dispositions: { loud: true } }] },
      { source, out: join(dir, 'x.mp4'), defaultAudio: 'original' },
    ];
    for (const plan of bad) {
      await assert.rejects(remux(plan as never), (e: NativeError) => (assert.equal(e.code, 'E_INVALID_ARGUMENT', e.message), true));
    }
  });
});
