/**
 * thumbnail() and clipVideo() on generated video whose colour changes every second
 * (SECOND_COLOURS): a frame's pixels say which time it came from, so seeking, scaling and
 * cutting are checked against what the source shows then, in H.264/MP4 and MPEG-2/MPEG-PS
 * (no index: seeks by byte guess, some pictures without timestamps, non-square pixels).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clipVideo, clipVideoSync, createCancelFlag, probe, requestCancel, thumbnail, thumbnailSync, type NativeError, type Thumbnail } from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { heldBackInput } from './held-back-input.js';
import { scratchDir, settledLeftovers } from './scratch.js';

const dir = scratchDir('video');
const TOLERANCE = 12; // per channel, after 4:2:0 encoding and scaling

/** The colour at the picture's centre. */
function centre(t: Thumbnail): number[] {
  const at = (Math.floor(t.height / 2) * t.width + Math.floor(t.width / 2)) * 3;
  return [...t.data.subarray(at, at + 3)];
}

function assertColour(actual: number[], expected: readonly number[], what: string): void {
  assert.ok(actual.every((v, i) => Math.abs(v - expected[i]!) <= TOLERANCE), `${what}: ${actual} is not ${expected}`);
}

const colourAt = media.colourAtSecond;

const SOURCES = {
  'H.264 in MP4': { make: media.colourSecondsMp4, display: [320, 240] },
  'MPEG-2 in MPEG-PS (4:3 from 352x288)': { make: media.colourSecondsMpeg2, display: [384, 288] },
} as const;

describe('thumbnail', () => {
  for (const [name, { make, display }] of Object.entries(SOURCES)) {
    it(`${name}: the frame at or just after each time, scaled with the display aspect`, async () => {
      const file = await make();
      for (const time of [0, 0.5, 1, 1.5, 2.96, 3.5]) {
        const t = await thumbnail(file, { time, width: 64 });
        assert.equal(t.width, 64);
        assert.equal(t.height, Math.round((64 * display[1]) / display[0]));
        assert.equal(t.data.length, t.width * t.height * 3);
        assert.ok(t.time >= time - 0.001 && t.time < time + 0.05, `${time}: frame at ${t.time}`);
        assertColour(centre(t), colourAt(t.time), `${name} at ${time}`);
      }
      // The first frame of a colour is "at" its second: not the last one of the colour before.
      assertColour(centre(await thumbnail(file, { time: 2, width: 32 })), colourAt(2), `${name} at 2`);
      // Default width: the display width.
      const full = thumbnailSync(file, { time: 1.2 });
      assert.deepEqual([full.width, full.height], display);
      assertColour(centre(full), colourAt(1.2), `${name} full size`);
    });
  }

  it('a time past the end, a file without video, a bad stream: coded errors', async () => {
    const file = await media.colourSecondsMp4();
    await assert.rejects(thumbnail(file, { time: 30 }), (e: NativeError) => (assert.equal(e.code, 'E_INVALID_ARGUMENT'), assert.match(e.message, /ends at 3\.9/), true));
    await assert.rejects(thumbnail(await media.toneWav(440, 1)), (e: NativeError) => (assert.equal(e.code, 'E_NO_VIDEO_STREAM'), true));
    await assert.rejects(thumbnail(file, { stream: 1 }), (e: NativeError) => (assert.equal(e.code, 'E_NO_VIDEO_STREAM'), true));
    await assert.rejects(thumbnail(file, { width: 0 }), (e: NativeError) => (assert.equal(e.code, 'E_INVALID_ARGUMENT'), true));
    await assert.rejects(thumbnail(file, { time: -1 }), (e: NativeError) => (assert.equal(e.code, 'E_INVALID_ARGUMENT'), true));
  });

  it('is cancelled from its first progress report', async () => {
    // A frame two hours in, behind a pipe that holds the rest of the file back: no seek, so
    // the decoder reads on and reports progress; the abort comes from that report.
    const input = heldBackInput(await media.twoHourMkv(), dir, 'thumb');
    const controller = new AbortController();
    try {
      const started = thumbnail(input.path, {
        time: media.LONG_SECONDS - 10,
        signal: controller.signal,
        onProgress: () => { controller.abort(); input.release(); },
      });
      await assert.rejects(started, (e: NativeError) => (assert.equal(e.code, 'E_CANCELLED'), true));
    } finally {
      await input.close();
    }
  });
});

describe('clipVideo', () => {
  it('H.264 (8-bit 4:2:0) is copied from the keyframe at or before the start', async () => {
    const out = join(dir, 'copy.mp4');
    const r = await clipVideo(await media.colourSecondsMp4(), out, { start: 1.3, duration: 2 });
    assert.equal(r.copied, true);
    assert.equal(r.codec, 'h264');
    assert.ok(r.start <= 1.3 && r.start > 1.3 - 0.5, `starts on the keyframe before 1.3 s (every 0.48 s): ${r.start}`);
    const p = await probe(out);
    assert.deepEqual(p.streams.map((s) => s.type), ['video']);
    assert.ok(Math.abs(p.duration! - 2) < 0.05, `duration ${p.duration}`);
    // Time 0 of the clip shows what the source showed at the clip's start.
    assertColour(centre(await thumbnail(out, { width: 32 })), colourAt(r.start), 'clip start');
    assertColour(centre(await thumbnail(out, { time: 1.5, width: 32 })), colourAt(r.start + 1.5), 'clip middle');
  });

  for (const [name, { make, display }] of Object.entries(SOURCES)) {
    it(`${name}: encoded to H.264, scaled to maxWidth, starting exactly at the start`, async () => {
      const out = join(dir, `encoded-${display[0]}.mp4`);
      const r = clipVideoSync(await make(), out, { start: 1.5, duration: 2, mode: 'encode', maxWidth: 160 });
      assert.equal(r.copied, false);
      assert.equal(r.codec, 'libx264');
      assert.ok(Math.abs(r.start - 1.5) < 0.045, `start ${r.start}`);
      assert.deepEqual([r.width, r.height], [160, (160 * display[1]) / display[0]]);
      const p = await probe(out);
      const v = p.streams[0]!;
      assert.equal(v.codec, 'h264');
      assert.equal(v.pixelFormat, 'yuv420p');
      assert.ok(Math.abs(p.duration! - 2) < 0.05, `duration ${p.duration}`);
      assertColour(centre(await thumbnail(out, { time: 0.2 })), colourAt(1.7), 'green part');
      assertColour(centre(await thumbnail(out, { time: 0.7 })), colourAt(2.2), 'blue part');
    });
  }

  it('sparse keyframes: auto mode encodes a clip whose keyframe lies more than half the clip before its start; copy mode lengthens the copy to show the asked stretch', async () => {
    // One keyframe every 10 s; 4 s asked from 13.2 s: the keyframe before is at 10 s.
    const file = await media.sparseKeyframesMp4(20, 10);
    const auto = await clipVideo(file, join(dir, 'sparse-auto.mp4'), { start: 13.2, duration: 4 });
    assert.equal(auto.copied, false, 'encoded: a copy from 10 s would show only 0.8 s of what was asked');
    assert.ok(Math.abs(auto.start - 13.2) < 0.045, `start ${auto.start}`);
    assert.ok(Math.abs(auto.duration - 4) < 0.05, `duration ${auto.duration}`);
    assertColour(centre(await thumbnail(auto.path, { time: 1, width: 32 })), colourAt(14.2), 'one second in');
    const copied = await clipVideo(file, join(dir, 'sparse-copy.mp4'), { start: 13.2, duration: 4, mode: 'copy' });
    assert.equal(copied.copied, true);
    assert.ok(Math.abs(copied.start - 10) < 0.045, `starts on the keyframe at 10 s: ${copied.start}`);
    assert.ok(copied.start + copied.duration >= 13.2 + 2 - 0.05, `reaches half the asked stretch: ${copied.start} + ${copied.duration}`);
    // A keyframe close enough before the start is still copied.
    const near = await clipVideo(file, join(dir, 'sparse-near.mp4'), { start: 11, duration: 4 });
    assert.deepEqual([near.copied, Math.round(near.start)], [true, 10]);
  });

  it('MPEG-2 is encoded in auto mode (browsers cannot play it)', async () => {
    const r = await clipVideo(await media.colourSecondsMpeg2(), join(dir, 'auto.mp4'), { start: 0, duration: 1 });
    assert.equal(r.copied, false);
    assert.equal(r.codec, 'libx264');
  });

  it('bad arguments and a start past the end: coded errors, no file', async () => {
    const file = await media.colourSecondsMp4();
    const out = join(dir, 'bad.mp4');
    await assert.rejects(clipVideo(file, join(dir, 'x.mkv'), { start: 0, duration: 1 }), (e: NativeError) => (assert.equal(e.code, 'E_INVALID_ARGUMENT'), true));
    await assert.rejects(clipVideo(file, out, { start: 0, duration: 0 }), (e: NativeError) => (assert.equal(e.code, 'E_INVALID_ARGUMENT'), true));
    for (const mode of ['copy', 'encode'] as const) {
      await assert.rejects(clipVideo(file, out, { start: 60, duration: 1, mode }), (e: NativeError) => (assert.equal(e.code, 'E_INVALID_ARGUMENT', e.message), true));
    }
    await assert.rejects(clipVideo(await media.toneWav(440, 1), out, { start: 0, duration: 1 }), (e: NativeError) => (assert.equal(e.code, 'E_NO_VIDEO_STREAM'), true));
    assert.equal(existsSync(out), false);
    assert.deepEqual(await settledLeftovers(dir), []);
  });

  it('a shared flag set from its first progress report cancels it; no file is left', async () => {
    const input = heldBackInput(await media.twoHourMkv(), dir, 'clip');
    const flag = createCancelFlag();
    const out = join(dir, 'cancelled.mp4');
    try {
      const started = clipVideo(input.path, out, {
        start: 0, duration: media.LONG_SECONDS, mode: 'encode', cancelFlag: flag,
        onProgress: () => { requestCancel(flag); input.release(); },
      });
      await assert.rejects(started, (e: NativeError) => (assert.equal(e.code, 'E_CANCELLED'), true));
    } finally {
      await input.close();
    }
    assert.equal(existsSync(out), false);
    assert.deepEqual(await settledLeftovers(dir), []);
  });
});
