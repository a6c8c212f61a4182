import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeSync } from '../../native/lib/index.js';
import { invertingEngine } from '../sdk/lipsync-engine.testkit.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { spliceSpans } from '../sdk/video-splice.js';
import { lipsyncDubWav, lipsyncFaceMp4 } from '../../test/fixtures/lipsync-media.js';
import { toneM4a } from '../../test/fixtures/media.js';
import ffmpeg from './index.js';
import type { MediaInfo } from './media-info.js';

const extract = findStage(ffmpeg, 'extract');
const mux = findStage(ffmpeg, 'mux');

/** The video stream's packets (payload checksums, in file order). */
function videoPackets(path: string): string[] {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v', '-c', 'copy', '-f', 'framemd5', '-']).toString()
    .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',')[5]!.trim());
}
const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');

async function fixture() {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-lipsync-'));
  const source = join(dir, 'Movie (2001).mp4');
  await copyFile(await lipsyncFaceMp4(), source);
  const ex = await runStageForTest<MediaInfo>(extract, { options: {}, inputs: { source: outputOf({ media: source }) } });
  await rm(ex.workDir, { recursive: true, force: true });
  const lipsynced = await spliceSpans({
    source, dub: await lipsyncDubWav(), spans: [{ startMs: 2000, endMs: 5000 }], engine: invertingEngine().engine,
    workDir: await mkdtemp(join(tmpdir(), 'dubarr-lipsync-')), signal: new AbortController().signal, crf: 23,
  });
  const inputs = {
    source: outputOf({ media: source }),
    extract: outputOf({}, ex.result.data),
    'mix:es': outputOf({ track: await toneM4a(500, 10) }, { offsetMs: 0 }),
    'mix:fr': outputOf({ track: await toneM4a(700, 10) }, { offsetMs: 0 }),
  };
  return { dir, source, lipsynced: lipsynced.path, inputs, cleanup: () => Promise.all([rm(dir, { recursive: true, force: true }), rm(join(lipsynced.path, '..'), { recursive: true, force: true })]) };
}

test('mux with a lip-sync step: the first target language\'s lip-synced picture is the video, stream-copied; the source is untouched', async () => {
  const f = await fixture();
  try {
    const before = await sha(f.source);
    const run = await runStageForTest(mux, {
      options: {}, params: { mode: 'mux', targetLanguages: ['es', 'fr'] },
      inputs: { ...f.inputs, 'lipsync:es': outputOf({ video: f.lipsynced }) },
    });
    const out = (run.result.data as { video: string }).video;
    assert.deepEqual(videoPackets(out), videoPackets(f.lipsynced), 'the lip-synced stream, packet for packet');
    assert.notDeepEqual(videoPackets(out), videoPackets(f.source));
    const p = probeSync(out);
    assert.deepEqual(p.streams.map((s) => s.type), ['video', 'audio', 'audio', 'audio']);
    assert.equal(await sha(f.source), before);
    assert.ok(run.logs.some((l) => l.msg === 'the video is the lip-synced picture'));
    await rm(run.workDir, { recursive: true, force: true });
  } finally {
    await f.cleanup();
  }
});

test('mux: a lip-synced picture for another language than the first is not used (its mouths follow a dub that is not the default)', async () => {
  const f = await fixture();
  try {
    const run = await runStageForTest(mux, {
      options: {}, params: { mode: 'mux', targetLanguages: ['es', 'fr'] },
      inputs: { ...f.inputs, 'lipsync:fr': outputOf({ video: f.lipsynced }) },
    });
    assert.deepEqual(videoPackets((run.result.data as { video: string }).video), videoPackets(f.source), 'the source\'s own video');
    await rm(run.workDir, { recursive: true, force: true });
  } finally {
    await f.cleanup();
  }
});
