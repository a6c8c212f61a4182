/**
 * probe() agrees with `ffprobe -show_format -show_streams -show_chapters` on every field it
 * returns, on each generated fixture.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DISPOSITION_LIBAV_NAMES, probe, probeSync, type ProbeResult } from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { ffprobe, type FfprobeResult } from './ffprobe.js';

const FIXTURES = {
  'H.264/AAC MP4': media.h264AacMp4,
  'H.264 + AC3 5.1 MKV, two audio tracks, SRT, attachment, chapters': media.h264Ac3Mkv,
  'VP9/Opus WebM': media.vp9OpusWebm,
  'MP3 audio only': media.mp3Audio,
  'audio starting 1.5 s late': media.lateAudioMp4,
  'video only': media.videoOnlyMp4,
};

/** ffprobe prints times with 6 decimals. */
function close(actual: number | null, expected: string | undefined, what: string): void {
  if (expected === undefined || expected === 'N/A') {
    assert.equal(actual, null, `${what}: ffprobe has none`);
    return;
  }
  assert.ok(actual !== null, `${what}: ffprobe says ${expected}`);
  assert.ok(Math.abs(actual - Number(expected)) <= 1e-6, `${what}: ${actual} vs ffprobe ${expected}`);
}

function compare(ours: ProbeResult, theirs: FfprobeResult): void {
  const f = theirs.format;
  assert.equal(ours.container, f.format_name);
  assert.equal(ours.containerLongName, f.format_long_name);
  close(ours.duration, f.duration, 'format duration');
  close(ours.startTime, f.start_time, 'format start_time');
  assert.equal(ours.size, Number(f.size));
  assert.equal(ours.bitRate, f.bit_rate === undefined ? null : Number(f.bit_rate));
  assert.deepEqual(ours.tags, f.tags ?? {});

  assert.equal(ours.streams.length, theirs.streams.length);
  for (const [i, t] of theirs.streams.entries()) {
    const s = ours.streams[i]!;
    const at = `stream ${i}`;
    assert.equal(s.index, t.index, at);
    assert.equal(s.type, t.codec_type, at);
    assert.equal(s.codec, t.codec_name, at);
    assert.equal(s.codecLongName, t.codec_long_name, at);
    if (t.codec_type === 'attachment') assert.equal(ours.attachments.find((a) => a.index === s.index)?.size, t.extradata_size, `${at} attachment size`);
    if (t.profile !== undefined && !/^-?\d+$/.test(t.profile) && t.profile !== 'unknown') assert.equal(s.profile, t.profile, `${at} profile`);
    assert.equal(s.timeBase, t.time_base ?? null, `${at} time_base`);
    close(s.startTime, t.start_time, `${at} start_time`);
    close(s.duration, t.duration, `${at} duration`);
    assert.equal(s.bitRate, t.bit_rate === undefined ? null : Number(t.bit_rate), `${at} bit_rate`);
    assert.deepEqual(s.tags, t.tags ?? {}, `${at} tags`);
    assert.equal(s.language, t.tags?.language ?? null, `${at} language`);
    assert.equal(s.title, t.tags?.title ?? t.tags?.TITLE ?? null, `${at} title`);
    assert.equal(s.handlerName, t.tags?.handler_name ?? null, `${at} handler_name`);
    // Every disposition ffprobe knows must be one we return, with the same value.
    const libavToCamel = new Map(Object.entries(DISPOSITION_LIBAV_NAMES).map(([camel, libav]) => [libav, camel]));
    for (const [name, value] of Object.entries(t.disposition ?? {})) {
      const camel = libavToCamel.get(name);
      assert.ok(camel, `${at}: ffprobe disposition '${name}' is not in Dispositions`);
      assert.equal(s.dispositions[camel as keyof typeof s.dispositions], value === 1, `${at} disposition ${name}`);
    }
    if (t.codec_type === 'audio') {
      assert.equal(s.sampleRate, Number(t.sample_rate), `${at} sample_rate`);
      assert.equal(s.channels, t.channels, `${at} channels`);
      assert.equal(s.channelLayout, t.channel_layout ?? null, `${at} channel_layout`);
      assert.equal(s.sampleFormat, t.sample_fmt ?? null, `${at} sample_fmt`);
    } else {
      assert.equal(s.sampleRate, null, at);
      assert.equal(s.channels, null, at);
    }
    if (t.codec_type === 'video') {
      assert.equal(s.width, t.width, `${at} width`);
      assert.equal(s.height, t.height, `${at} height`);
      assert.equal(s.pixelFormat, t.pix_fmt ?? null, `${at} pix_fmt`);
      assert.equal(s.avgFrameRate ?? '0/0', t.avg_frame_rate, `${at} avg_frame_rate`);
      assert.equal(s.rFrameRate ?? '0/0', t.r_frame_rate, `${at} r_frame_rate`);
    } else {
      assert.equal(s.width, null, at);
    }
  }

  assert.equal(ours.chapters.length, theirs.chapters.length);
  for (const [i, c] of theirs.chapters.entries()) {
    const mine = ours.chapters[i]!;
    assert.equal(mine.id, c.id);
    close(mine.start, c.start_time, `chapter ${i} start`);
    close(mine.end, c.end_time, `chapter ${i} end`);
    assert.deepEqual(mine.tags, c.tags ?? {});
  }
}

describe('probe', () => {
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(`matches ffprobe: ${name}`, async () => {
      const path = await make();
      const [ours, theirs] = await Promise.all([probe(path), ffprobe(path)]);
      compare(ours, theirs);
      assert.deepEqual(probeSync(path), ours, 'probeSync gives the same answer');
    });
  }

  it('lists the MKV attachment and chapters and reads the two audio languages', async () => {
    const info = await probe(await media.h264Ac3Mkv());
    assert.deepEqual(
      info.streams.map((s) => [s.index, s.type, s.codec, s.language]),
      [
        [0, 'video', 'h264', null],
        [1, 'audio', 'ac3', 'eng'],
        [2, 'audio', 'ac3', 'ger'],
        [3, 'subtitle', 'subrip', 'eng'],
        [4, 'attachment', 'ttf', null],
      ],
    );
    assert.equal(info.streams[1]!.channelLayout, '5.1(side)');
    assert.deepEqual(info.attachments, [{ index: 4, filename: 'font.ttf', mimeType: 'application/x-truetype-font', size: 1152 }]);
    assert.deepEqual(info.chapters.map((c) => [c.title, c.start, c.end]), [['Opening', 0, 2], ['Ending', 2, 4]]);
    assert.equal(info.streams[0]!.frameRate, 25);
  });

  it('reports the late audio start', async () => {
    const info = await probe(await media.lateAudioMp4());
    const audio = info.streams.find((s) => s.type === 'audio')!;
    // The AAC encoder's 1024-sample priming sits just before the 1.5 s onset.
    assert.ok(Math.abs(audio.startTime! - (media.LATE_AUDIO_START - 1024 / 48000)) < 0.002, `audio starts at ${audio.startTime}`);
  });
});
