/**
 * The source-language subtitles (the transcript the dub was made from) are delivered beside the
 * video in the job's subtitleFormats, like the translated ones, tagged as ours beside a source we
 * did not write; a user's own subtitles in that language make ours redundant, and are never replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { assFile, h264AacMp4, srtFile, toneM4a, vttFile } from '../../test/fixtures/media.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import ffmpeg from './index.js';
import type { MediaInfo } from './media-info.js';

const extract = findStage(ffmpeg, 'extract');
const mux = findStage(ffmpeg, 'mux');

test('source-language sidecars in the chosen formats, in mux and sidecar modes; a user\'s own is kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-source-subs-'));
  try {
    const source = join(dir, 'Movie.mp4');
    await copyFile(await h264AacMp4(), source);
    const probe = await runStageForTest<MediaInfo>(extract, { options: {}, inputs: { source: outputOf({ media: source }) } });
    await rm(probe.workDir, { recursive: true, force: true });
    const inputs = {
      source: outputOf({ media: source }),
      extract: outputOf({}, probe.result.data),
      'mix:es': outputOf({ track: await toneM4a(500, 4) }, { offsetMs: 0 }),
      'subtitles:es': outputOf({ srt: await srtFile(), vtt: await vttFile(), ass: await assFile() }, { language: 'es' }),
      // The English transcript's subtitles, as the source-subtitles step wrote them.
      'source-subtitles': outputOf({ srt: await srtFile(), vtt: await vttFile(), ass: await assFile() }, { language: 'en' }),
    };
    const delivered = async (mode: string, subtitleFormats: string[]) => {
      const run = await runStageForTest(mux, { options: {}, params: { mode, targetLanguages: ['es'], subtitleFormats }, inputs });
      await rm(run.workDir, { recursive: true, force: true });
      return (run.result.data as { written: string[] }).written.map((p) => basename(p)).filter((n) => n.includes('.en.')).sort();
    };

    assert.deepEqual(await delivered('mux', ['vtt', 'ass']), ['Movie - dub es.en.ass', 'Movie - dub es.en.vtt']);

    assert.deepEqual(await delivered('sidecar', ['srt', 'vtt']), ['Movie.dubarr.en.srt', 'Movie.dubarr.en.vtt']);
    await rm(join(dir, 'Movie.dubarr.en.srt'));
    await rm(join(dir, 'Movie.dubarr.en.vtt'));

    await writeFile(join(dir, 'Movie.en.srt'), 'the user\'s own subtitles\n');
    assert.deepEqual(await delivered('sidecar', ['srt', 'vtt']), []);
    assert.equal(await readFile(join(dir, 'Movie.en.srt'), 'utf8'), 'the user\'s own subtitles\n');
    assert.deepEqual((await readdir(dir)).filter((n) => n.includes('.en.')).sort(),
      ['Movie - dub es.en.ass', 'Movie - dub es.en.vtt', 'Movie.en.srt']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
