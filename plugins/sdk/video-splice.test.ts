import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { thumbnailSync } from '../../native/lib/index.js';
import { DubarrError } from './errors.js';
import { invertingEngine } from './lipsync-engine.testkit.js';
import { spliceVideoInfo } from './video-keyframes.js';
import { spliceSpans } from './video-splice.js';
import { LIPSYNC_FPS, LIPSYNC_SECONDS, lipsyncDubWav, lipsyncFaceMkv, lipsyncFaceMp4 } from '../../test/fixtures/lipsync-media.js';
import { colourSecondsMpeg2 } from '../../test/fixtures/media.js';

const run = promisify(execFile);

/** Per frame of the video stream, in presentation order: [pts, md5] of its packet (copy) or its decoded picture. */
async function frameHashes(path: string, what: 'packets' | 'pictures'): Promise<Array<[number, string]>> {
  const { stdout } = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', path, '-map', '0:v:0', ...(what === 'packets' ? ['-c', 'copy'] : []), '-f', 'framemd5', '-'], { maxBuffer: 64 << 20 });
  return stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').map((x) => x.trim()))
    .map((f) => [Number(f[2]), f[5]!] as [number, string]).sort((a, b) => a[0] - b[0]);
}

const md5 = async (p: string) => createHash('md5').update(await readFile(p)).digest('hex');
const meanAt = (path: string, seconds: number) => {
  const f = thumbnailSync(path, { time: seconds });
  let sum = 0;
  for (const b of f.data) sum += b;
  return sum / f.data.length;
};

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-splice-'));
  try { return await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

for (const [name, fixture, ext] of [['MP4', lipsyncFaceMp4, 'mp4'], ['Matroska', lipsyncFaceMkv, 'mkv']] as const) {
  test(`${name}: spans re-rendered by the engine, everything else the source's packets byte for byte; same frame count and duration`, () => withDir(async (dir) => {
    const source = await fixture();
    const before = await md5(source);
    const info = await spliceVideoInfo(source);
    assert.deepEqual(info.keyframesMs, Array.from({ length: LIPSYNC_SECONDS }, (_, i) => i * 1000), 'the fixture has a keyframe every second');
    // One span at the very start (the joined file's header must still be the source's) and one in the middle.
    const spans = [{ startMs: 0, endMs: 1000 }, { startMs: 3000, endMs: 5000 }];
    const engine = invertingEngine();
    const out = await spliceSpans({ source, dub: await lipsyncDubWav(), spans, engine: engine.engine, workDir: dir, signal: new AbortController().signal, crf: 18 });

    assert.equal(await md5(source), before, 'the source is untouched');
    assert.deepEqual(engine.calls.map((c) => [c.startMs, c.endMs]), [[0, 1000], [3000, 5000]]);
    const result = await spliceVideoInfo(out.path);
    assert.equal(result.frames, LIPSYNC_SECONDS * LIPSYNC_FPS);
    assert.equal(result.frames, info.frames);
    assert.ok(Math.abs(result.durationMs - info.durationMs) <= 1, `duration ${result.durationMs} vs ${info.durationMs}`);
    assert.deepEqual(result.keyframesMs, info.keyframesMs, 'the keyframes stay where they were');
    assert.deepEqual([result.codec, result.profile, result.width, result.height, result.pixelFormat, result.frameRate, result.timeBase],
      [info.codec, info.profile, info.width, info.height, info.pixelFormat, info.frameRate, info.timeBase]);
    assert.deepEqual(out.spans.map((s) => s.frames), [25, 50]);

    const inside = (i: number) => i < 25 || (i >= 75 && i < 125);
    const [srcPackets, outPackets] = await Promise.all([frameHashes(source, 'packets'), frameHashes(out.path, 'packets')]);
    const [srcPictures, outPictures] = await Promise.all([frameHashes(source, 'pictures'), frameHashes(out.path, 'pictures')]);
    assert.equal(outPackets.length, srcPackets.length);
    for (let i = 0; i < srcPackets.length; i++) {
      if (inside(i)) {
        assert.notEqual(outPictures[i]![1], srcPictures[i]![1], `frame ${i} is inside a span: the engine's picture`);
      } else {
        assert.equal(outPackets[i]![1], srcPackets[i]![1], `frame ${i} is outside the spans: the source's packet`);
        assert.equal(outPictures[i]![1], srcPictures[i]![1], `frame ${i} decodes as the source's picture`);
      }
    }
    // The engine inverts: a dark frame inside a span comes out bright, and one outside stays dark.
    assert.ok(meanAt(source, 0.5) < 60 && meanAt(out.path, 0.5) > 190, 'inside the first span: inverted');
    assert.ok(meanAt(out.path, 3.5) > 190, 'inside the second span: inverted');
    assert.ok(Math.abs(meanAt(out.path, 6.5) - meanAt(source, 6.5)) < 1, 'outside: as the source');
    // The re-encoded spans signal the source's colour (BT.709) in their own parameter sets, though the engine's result says nothing of it.
    for (const span of ['span-0', 'span-2']) {
      const { stdout: colour } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=color_primaries,color_transfer,color_space', '-of', 'json', join(dir, span, `conformed.${ext}`)]);
      const s = (JSON.parse(colour) as { streams: Array<Record<string, string>> }).streams[0]!;
      assert.deepEqual([s.color_primaries, s.color_transfer, s.color_space], ['bt709', 'bt709', 'bt709'], span);
    }
    // The decoder takes the whole file without an error (parameter sets of both kinds in force where needed).
    const { stderr } = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', out.path, '-f', 'null', '-']);
    assert.equal(stderr.trim(), '');
  }));
}

test('an engine that returns a few frames short is padded with its last frame: the frame count still matches', () => withDir(async (dir) => {
  const source = await lipsyncFaceMp4();
  const engine = invertingEngine({ dropLastFrames: 3 });
  const out = await spliceSpans({ source, dub: await lipsyncDubWav(), spans: [{ startMs: 2000, endMs: 4000 }], engine: engine.engine, workDir: dir, signal: new AbortController().signal, crf: 23 });
  assert.equal((await spliceVideoInfo(out.path)).frames, LIPSYNC_SECONDS * LIPSYNC_FPS);
  assert.ok(meanAt(out.path, 3.95) > 150, 'the last frames of the span repeat the engine\'s last one');
}));

test('a codec the splice cannot re-encode in place fails with E_UNSUPPORTED_CODEC before the engine is called', () => withDir(async (dir) => {
  const engine = invertingEngine();
  await assert.rejects(
    spliceSpans({ source: await colourSecondsMpeg2(), dub: await lipsyncDubWav(), spans: [{ startMs: 0, endMs: 1000 }], engine: engine.engine, workDir: dir, signal: new AbortController().signal, crf: 23 }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_UNSUPPORTED_CODEC' && /H\.264/.test(e.message),
  );
  assert.equal(engine.calls.length, 0);
}));
