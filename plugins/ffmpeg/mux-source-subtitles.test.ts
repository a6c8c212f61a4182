/**
 * The subtitle sidecars the mux delivers: the source-language subtitles (the transcript the dub
 * was made from) beside the video in the job's subtitleFormats, like the translated ones, tagged
 * as ours beside a source we did not write; a user's own subtitles in that language beside the
 * source (found as the source-text step finds them) make ours redundant, and are never
 * replaced. Beside our own dubbed version, our files in formats no longer chosen are removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { assFile, h264AacMp4, srtFile, toneM4a, vttFile } from '../../test/fixtures/media.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import ffmpeg from './index.js';
import type { MediaInfo } from './media-info.js';

const extract = findStage(ffmpeg, 'extract');
const mux = findStage(ffmpeg, 'mux');

interface Library {
  source: string;
  /** Runs the mux; returns the names of what it wrote, sorted. */
  deliver(mode: string, subtitleFormats: string[], more?: { outDir?: string; options?: object }): Promise<string[]>;
}

/** `Movie.mp4` in `folder`, with its Spanish dub and subtitles and its English transcript's subtitles ready to mux. */
async function library(folder: string): Promise<Library> {
  await mkdir(folder, { recursive: true });
  const source = join(folder, 'Movie.mp4');
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
  return {
    source,
    async deliver(mode, subtitleFormats, more = {}) {
      const params = { mode, targetLanguages: ['es'], subtitleFormats, ...(more.outDir ? { outDir: more.outDir } : {}) };
      const run = await runStageForTest(mux, { options: more.options ?? {}, params, inputs });
      await rm(run.workDir, { recursive: true, force: true });
      return (run.result.data as { written: string[] }).written.map((p) => basename(p)).sort();
    },
  };
}

const english = (names: string[]) => names.filter((n) => n.includes('.en.'));
const subtitlesIn = async (dir: string) => (await readdir(dir)).filter((n) => /\.(srt|vtt|ass)$/.test(n)).sort();

test('source-language sidecars in the chosen formats, in mux and sidecar modes; a user\'s own is kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-source-subs-'));
  try {
    const lib = await library(dir);
    assert.deepEqual(english(await lib.deliver('mux', ['vtt', 'ass'])), ['Movie - dub es.en.ass', 'Movie - dub es.en.vtt']);

    assert.deepEqual(english(await lib.deliver('sidecar', ['srt', 'vtt'])), ['Movie.dubarr.en.srt', 'Movie.dubarr.en.vtt']);
    await rm(join(dir, 'Movie.dubarr.en.srt'));
    await rm(join(dir, 'Movie.dubarr.en.vtt'));

    await writeFile(join(dir, 'Movie.en.srt'), 'the user\'s own subtitles\n');
    assert.deepEqual(english(await lib.deliver('sidecar', ['srt', 'vtt'])), []);
    assert.equal(await readFile(join(dir, 'Movie.en.srt'), 'utf8'), 'the user\'s own subtitles\n');
    assert.deepEqual(english(await readdir(dir)).sort(), ['Movie - dub es.en.ass', 'Movie - dub es.en.vtt', 'Movie.en.srt']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the user\'s source-language subtitles are found beside the source under any name discovery reads, in-place and in sidecar mode with --out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-users-subs-'));
  try {
    const lib = await library(join(dir, 'library'));
    const out = join(dir, 'out');
    await mkdir(out);
    const users = ['Movie.en.srt', 'Movie.eng.srt', 'Movie.en.sdh.srt', 'Movie.English.ass', 'Subs/Movie.en.srt', 'Subtitles/English.vtt'];
    for (const name of users) {
      const path = join(dirname(lib.source), name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, 'the user\'s own subtitles\n');
      assert.deepEqual(english(await lib.deliver('sidecar', ['srt', 'vtt'], { outDir: out })), [], `sidecar --out, beside the source: ${name}`);
      assert.deepEqual(english(await lib.deliver('inplace', ['srt', 'vtt'])), [], `in-place: ${name}`);
      assert.equal(await readFile(path, 'utf8'), 'the user\'s own subtitles\n');
      await rm(path);
    }
    assert.deepEqual(english(await subtitlesIn(out)), [], 'nothing of ours in the source language in the out folder');

    // Not the user's English subtitles: forced ones (only the foreign lines), another language's,
    // ours; nor an untagged file, which may be in any language (ours says which).
    for (const name of ['Movie.en.forced.srt', 'Movie.de.srt', 'Movie.dubarr.en.vtt', 'Movie.srt']) await writeFile(join(dirname(lib.source), name), 'x\n');
    assert.deepEqual(english(await lib.deliver('sidecar', ['srt', 'vtt'], { outDir: out })), ['Movie.dubarr.en.srt', 'Movie.dubarr.en.vtt']);
    assert.deepEqual(english(await lib.deliver('inplace', ['srt', 'vtt'])), ['Movie.dubarr.en.srt', 'Movie.dubarr.en.vtt']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('beside our own dubbed version, our subtitles in formats no longer chosen are removed; nothing else is', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-formats-'));
  try {
    const lib = await library(dir);
    const out = join(dir, 'out');
    await mkdir(out);
    const users = ['Movie.es.vtt', 'Movie.en.vtt', 'Movie - dub es.fr.vtt', 'Movie - dub es.es.forced.vtt'];
    for (const name of users) await writeFile(join(dir, name), 'the user\'s\n');
    await writeFile(join(out, 'Movie - dub es.fr.vtt'), 'the user\'s\n');

    const ours = (formats: string[]) => formats.flatMap((f) => [`Movie - dub es.en.${f}`, `Movie - dub es.es.${f}`]);
    for (const folder of [dir, out]) {
      const outDir = folder === out ? out : undefined;
      const usersHere = folder === out ? ['Movie - dub es.fr.vtt'] : users;
      const expect = (formats: string[]) => [...ours(formats), ...usersHere].sort();
      await lib.deliver('mux', ['srt', 'vtt'], { outDir });
      assert.deepEqual(await subtitlesIn(folder), expect(['srt', 'vtt']));
      await lib.deliver('mux', ['srt', 'ass'], { outDir });
      assert.deepEqual(await subtitlesIn(folder), expect(['srt', 'ass']), `the .vtt files we wrote are gone (${outDir ? '--out' : 'beside the source'})`);
      await lib.deliver('mux', ['srt', 'ass'], { outDir, options: { subtitleSidecars: false } });
      assert.deepEqual(await subtitlesIn(folder), expect([]), 'no sidecars chosen: none of ours remain');
    }
    for (const name of users) assert.equal(await readFile(join(dir, name), 'utf8'), 'the user\'s\n', name);

    // Beside the user's own video (sidecar mode) nothing is removed.
    await lib.deliver('sidecar', ['srt', 'vtt']);
    await lib.deliver('sidecar', ['srt', 'ass']);
    assert.ok((await readdir(dir)).includes('Movie.dubarr.es.vtt'), 'beside a video we did not write, no file is taken away');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
