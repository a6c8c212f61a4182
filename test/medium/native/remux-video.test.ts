/**
 * remux({ video }): a lip-synced picture in the place of the source's video stream. The new
 * stream is the given file's packets byte for byte, at the source stream's position and times,
 * with its tags; every other stream is still the source's, copied.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeSync, remuxSync, type NativeError } from '../../../native/lib/index.js';
import { invertingEngine } from '../../../plugins/sdk/lipsync-engine.testkit.js';
import { spliceSpans } from '../../../plugins/sdk/video-splice.js';
import { lipsyncDubWav, lipsyncFaceMkv, lipsyncFaceMp4 } from '../../fixtures/lipsync-media.js';
import { toneM4a } from '../../fixtures/media.js';
import { packets } from './ffprobe.js';

for (const [name, fixture, ext] of [['MP4', lipsyncFaceMp4, 'mp4'], ['Matroska', lipsyncFaceMkv, 'mkv']] as const) {
  test(`${name}: the replacement's packets are written in the source video's place and times, everything else copied`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dubarr-remux-video-'));
    try {
      const source = await fixture();
      const spliced = await spliceSpans({
        source, dub: await lipsyncDubWav(), spans: [{ startMs: 2000, endMs: 4000 }], engine: invertingEngine().engine,
        workDir: dir, signal: new AbortController().signal, crf: 23,
      });
      const before = probeSync(source);
      const r = remuxSync({ source, out: join(dir, `out.${ext}`), video: spliced.path, audio: [{ path: await toneM4a(660, 10), language: 'spa' }] });
      assert.equal(r.path, join(dir, `out.${ext}`), 'the source\'s container is kept');
      assert.deepEqual(r.streams.map((s) => [s.index, s.type, s.origin]), [[0, 'video', 'video'], [1, 'audio', 'source'], [2, 'audio', 'audio']]);

      const [out, replacement, src] = await Promise.all([packets(r.path, 0), packets(spliced.path, 0), packets(source, 0)]);
      assert.equal(out.length, src.length);
      assert.deepEqual(out.map((p) => p.hash), replacement.map((p) => p.hash), 'the lip-synced stream, copied byte for byte');
      assert.notDeepEqual(out.map((p) => p.hash), src.map((p) => p.hash), 'not the source\'s picture');
      // Frame times: where the source's frames were (to the container's precision).
      const times = (l: typeof out) => l.map((p) => p.pts!).sort((a, b) => a - b);
      assert.deepEqual(times(out), times(src));
      const [outAudio, srcAudio] = await Promise.all([packets(r.path, 1), packets(source, 1)]);
      assert.deepEqual(outAudio.map((p) => p.hash), srcAudio.map((p) => p.hash), 'the source\'s audio, untouched');

      const after = probeSync(r.path);
      const [v0, v1] = [before.streams[0]!, after.streams[0]!];
      assert.deepEqual([v1.codec, v1.width, v1.height, v1.dispositions.default], [v0.codec, v0.width, v0.height, v0.dispositions.default]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('a replacement without a video stream is refused with a coded error; nothing written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-remux-video-'));
  try {
    const [source, audioOnly] = await Promise.all([lipsyncFaceMp4(), toneM4a(660, 10)]);
    assert.throws(
      () => remuxSync({ source, out: join(dir, 'out.mp4'), video: audioOnly }),
      (e: NativeError) => e.code === 'E_MEDIA_UNREADABLE' && /no video stream/.test(e.message),
    );
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
