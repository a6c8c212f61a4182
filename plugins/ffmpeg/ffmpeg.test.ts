import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, link, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { probeSync } from '../../native/lib/index.js';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError } from '../sdk/errors.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { makeReadOnly, mountUnavailable, readOnlyUnavailable, withTmpfs } from '../../test/fixtures/mounts.js';
import { settledLeftovers } from '../../test/medium/native/scratch.js';
import { readWavInfo } from '../sdk/wav.js';
import {
  assFile, commercialDubMkv, dubOnlyDubbedMkv, h264AacMp4, h264Ac3Mkv, lateAudioMp4, LATE_AUDIO_START, longSubtitledMkv, mpegPs, mpegTs, randomBytesFile, toneM4a, twoHourMkv,
  videoOnlyMp4, srtFile, vttFile,
} from '../../test/fixtures/media.js';
import type { FitPlan } from '../sdk/artifacts.js';
import ffmpeg from './index.js';
import type { MediaInfo } from './media-info.js';
import { backupPathFor, tempPathFor } from './inplace-swap.js';

const extract = findStage(ffmpeg, 'extract');
const subtitleStream = findStage(ffmpeg, 'subtitle-stream');
const mux = findStage(ffmpeg, 'mux');

/** The extract stage's run on `media` (the caller removes its work dir) and its MediaInfo. */
async function extracted(media: string, params = {}) {
  const run = await runStageForTest<MediaInfo>(extract, { options: {}, params, inputs: { source: outputOf({ media }) } });
  return { ...run, info: run.result.data! };
}

const infos = new Map<string, Promise<MediaInfo>>();
/** Just the MediaInfo, once per file (decoding a two-hour file takes a while). */
function infoOf(media: string): Promise<MediaInfo> {
  let p = infos.get(media);
  if (!p) {
    p = extracted(media).then(async (r) => { await rm(r.workDir, { recursive: true, force: true }); return r.info; });
    infos.set(media, p);
  }
  return p;
}

/** The MediaInfo of `media` as it is now (a file dubbed in place changes). */
async function freshInfo(media: string): Promise<MediaInfo> {
  const r = await extracted(media);
  await rm(r.workDir, { recursive: true, force: true });
  return r.info;
}

/** Folders standing in for the user's library; removed when the file is done. */
const libraries: string[] = [];
after(() => Promise.all(libraries.map((d) => rm(d, { recursive: true, force: true }))));
/** `fixture` as `name` in a library folder of its own (hard-linked: the fixtures are large). */
async function inLibrary(fixture: string, name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-library-'));
  libraries.push(dir);
  const path = join(dir, name);
  await link(fixture, path).catch(() => copyFile(fixture, path));
  return path;
}

contractSuite({
  plugin: ffmpeg,
  stage: 'ffmpeg:extract',
  invalidOptions: { markSourceOriginal: 'yes' },
  validInput: async () => ({ options: {}, inputs: { source: outputOf({ media: await inLibrary(await h264AacMp4(), 'Movie.mp4') }) } }),
  corruptInput: async () => ({ options: {}, inputs: { source: outputOf({ media: await inLibrary(await randomBytesFile(), 'Movie.mkv') }) } }),
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => ({ options: {}, inputs: { source: outputOf({ media: await inLibrary(await twoHourMkv(), 'Long.mkv') }) } }),
  userDirs: (input) => [dirname(input.inputs!.source!.files.media!)],
});

const subtitleInput = async (media: string, info: MediaInfo) =>
  ({ options: {}, params: {}, inputs: { source: outputOf({ media }), extract: outputOf({}, info) } });

contractSuite({
  plugin: ffmpeg,
  stage: 'ffmpeg:subtitle-stream',
  invalidOptions: { embedSubtitles: 1 },
  validInput: async () => subtitleInput(await h264Ac3Mkv(), await infoOf(await h264Ac3Mkv())),
  // Bytes that are no media, under the media info of a file with a subtitle stream.
  corruptInput: async () => subtitleInput(await randomBytesFile(), await infoOf(await h264Ac3Mkv())),
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => subtitleInput(await longSubtitledMkv(), await infoOf(await longSubtitledMkv())),
  async check(run) {
    const data = run.result.data as { found: boolean; streamIndex: number; language: string };
    assert.deepEqual([data.found, data.streamIndex, data.language], [true, 3, 'en']);
    assert.match(await readFile(run.result.files!.subtitles!, 'utf8'), /Hello there\./);
  },
});

/** The inputs of a mux into the library folder of `source`: a Spanish track and subtitles. */
async function muxInput(source: string, track?: string) {
  return {
    options: {}, params: { mode: 'mux', targetLanguages: ['es'] },
    inputs: {
      source: outputOf({ media: source }),
      extract: outputOf({}, await infoOf(source)),
      'mix:es': outputOf({ track: track ?? await toneM4a(500, 4) }, { offsetMs: 0 }),
      'subtitles:es': outputOf({ srt: await srtFile(), vtt: await vttFile() }, { language: 'es' }),
    },
  };
}

contractSuite({
  plugin: ffmpeg,
  stage: 'ffmpeg:mux',
  invalidOptions: { markSourceOriginal: 'no' },
  validInput: async () => muxInput(await inLibrary(await h264AacMp4(), 'Movie (2001).mp4')),
  // The dub track is not media: the remux fails before anything reaches the library.
  corruptInput: async () => muxInput(await inLibrary(await h264AacMp4(), 'Movie (2001).mp4'), await randomBytesFile()),
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => muxInput(await inLibrary(await twoHourMkv(), 'Long (2001).mkv')),
  userDirs: (input) => [dirname(input.inputs!.source!.files.media!)],
  delivered: (run) => (run.result.data as { written: string[] }).written,
  check(run) {
    const names = (run.result.data as { written: string[] }).written.map((f) => basename(f));
    assert.deepEqual(names, ['Movie (2001) - dub es.mp4', 'Movie (2001) - dub es.es.srt', 'Movie (2001) - dub es.es.vtt']);
  },
});

/** A fit plan placing `count` copies of a 4 s tone (or `clip`) one after another. */
async function fitPlanOf(count: number, clip?: string) {
  const file = clip ?? await toneM4a(700, 4);
  const units: FitPlan['units'] = Array.from({ length: count }, (_, i) => ({
    id: `u${i}`, start: i * 5000, end: i * 5000 + 4000, file: 'clip', durationMs: 4000, sourceDurationMs: 4000,
    factor: 1, rate: 1, placedStart: i * 5000, placedEnd: i * 5000 + 4000, overflowMs: 0, trimmedMs: 0,
  }));
  const plan: FitPlan = { language: 'es', sampleRate: 48_000, units, summary: { units: count, stretched: 0, overflows: 0, maxFactor: 1, histogram: {} } };
  return { options: {}, params: {}, inputs: { fit: outputOf({ clip: file }, plan) } };
}

contractSuite({
  plugin: ffmpeg,
  stage: 'ffmpeg:analysis-audio',
  invalidOptions: { subtitleSidecars: 'sometimes' },
  validInput: () => fitPlanOf(3),
  corruptInput: async () => fitPlanOf(3, await randomBytesFile()),
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: () => fitPlanOf(300),
  async check(run) {
    // Three 4 s clips 1 s apart: 14 s of 16 kHz mono (an AAC clip decodes to a few ms more or less).
    const wav = await readWavInfo(run.result.files!.audio!);
    assert.deepEqual([wav.sampleRate, wav.channels], [16000, 1]);
    assert.ok(Math.abs(wav.durationMs - 14_000) <= 50, `${wav.durationMs} ms`);
  },
});

test('extract: picks the audio stream, 16 kHz mono analysis track, timeline offset, container, subtitle streams', async () => {
  const mp4 = await extracted(await h264AacMp4());
  assert.deepEqual([mp4.info.audioStream, mp4.info.language, mp4.info.container, mp4.info.channels, mp4.info.startMs], [1, 'en', 'mp4', 2, 0]);
  const wav = await readWavInfo(mp4.result.files!.audio!);
  assert.deepEqual([wav.sampleRate, wav.channels, wav.format], [16000, 1, 's16']);
  assert.ok(Math.abs(wav.durationMs - mp4.info.durationMs) < 50, `${wav.durationMs} vs ${mp4.info.durationMs}`);

  const mkv = await extracted(await h264Ac3Mkv(), { sourceLanguage: 'de' });
  assert.equal(mkv.info.audioStream, 2, 'the German track was asked for');
  assert.equal(mkv.info.audioStreams, 2);
  assert.deepEqual(mkv.info.subtitleStreams.map((s) => [s.index, s.language, s.text]), [[3, 'en', true]]);
  const mkvDefault = await extracted(await h264Ac3Mkv());
  assert.deepEqual([mkvDefault.info.audioStream, mkvDefault.info.channels, mkvDefault.info.container], [1, 6, 'mkv']);

  const late = await extracted(await lateAudioMp4());
  assert.ok(Math.abs(late.info.startMs - LATE_AUDIO_START * 1000) <= 25, `late audio starts at ${late.info.startMs} ms`);

  await assert.rejects(extracted(await videoOnlyMp4()), (e: unknown) => e instanceof DubarrError && e.code === 'E_NO_AUDIO_STREAM');
  for (const r of [mp4, mkv, mkvDefault, late]) await rm(r.workDir, { recursive: true, force: true });
});

test('extract: a studio\'s dub (FlagOriginal=0) is taken when its language is named, the original first otherwise; our own dub only when nothing else is in its language', async () => {
  const remux = await commercialDubMkv();
  assert.deepEqual(probeSync(remux).streams.filter((s) => s.type === 'audio').map((s) => [s.language, s.dispositions.dub, s.dispositions.default]),
    [['eng', false, false], ['fre', true, true]], 'the reader turns FlagOriginal=0 into the dub disposition');
  const plain = await extracted(remux);
  const fr = await extracted(remux, { sourceLanguage: 'fr' });
  assert.deepEqual([plain.info.audioStream, fr.info.audioStream], [1, 2], 'the original when none is named (the dub is the default); the dub when French is');
  // A studio's French dub and our Spanish one (the default): the French is the speech to dub.
  const dubbed = await dubOnlyDubbedMkv();
  const auto = await extracted(dubbed);
  const es = await extracted(dubbed, { sourceLanguage: 'es' });
  assert.deepEqual([auto.info.audioStream, auto.info.language, es.info.audioStream], [1, 'fr', 2]);
  for (const r of [plain, fr, auto, es]) await rm(r.workDir, { recursive: true, force: true });
});

test('subtitle-stream: the embedded text stream in the source language, or none', async () => {
  const mkv = await h264Ac3Mkv();
  const info = await extracted(mkv);
  const run = await runStageForTest(subtitleStream, { options: {}, params: {}, inputs: { source: outputOf({ media: mkv }), extract: outputOf({}, info.info) } });
  assert.equal((run.result.data as { language: string }).language, 'en');
  assert.match(await readFile(run.result.files!.subtitles!, 'utf8'), /-->/);
  const none = await runStageForTest(subtitleStream, { options: {}, params: { sourceLanguage: 'fr' }, inputs: { source: outputOf({ media: mkv }), extract: outputOf({}, info.info) } });
  assert.deepEqual(none.result, { data: { found: false } });
  for (const r of [info, run, none]) await rm(r.workDir, { recursive: true, force: true });
});

/**
 * Video packet sizes and checksums, in order: equal means the video was copied, not re-encoded.
 * (Timestamps are compared separately: a muxer may shift the whole timeline a few ms.)
 */
function videoPackets(path: string): string {
  return createHash('sha256').update(execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v', '-c', 'copy', '-f', 'framemd5', '-'])
    .toString().split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').slice(4).join(',')).join('\n')).digest('hex');
}

async function muxFixture(inDir?: string) {
  const dir = inDir ?? await mkdtemp(join(tmpdir(), 'dubarr-mux-'));
  const source = join(dir, 'Movie (2001).mp4');
  await copyFile(await h264AacMp4(), source);
  const info = await infoOf(source);
  const inputs = {
    source: outputOf({ media: source }),
    extract: outputOf({}, info),
    'mix:es': outputOf({ track: await toneM4a(500, 4) }, { offsetMs: 0 }),
    'subtitles:es': outputOf({ srt: await srtFile(), vtt: await vttFile() }, { language: 'es' }),
  };
  const original = createHash('sha256').update(await readFile(source)).digest('hex');
  return { dir, source, info, inputs, original };
}

const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');

/** [default, original] of each audio track and `default` of each subtitle track. */
function flags(path: string): { audio: Array<[boolean, boolean]>; subtitle: boolean[] } {
  const streams = probeSync(path).streams;
  return {
    audio: streams.filter((s) => s.type === 'audio').map((s) => [s.dispositions.default, s.dispositions.original]),
    subtitle: streams.filter((s) => s.type === 'subtitle').map((s) => s.dispositions.default),
  };
}

test('mux mode: a new tagged version beside the untouched source, video copied, subtitles beside it', async () => {
  const f = await muxFixture();
  try {
    const run = await runStageForTest(mux, { options: {}, params: { mode: 'mux', targetLanguages: ['es'] }, inputs: f.inputs });
    const data = run.result.data as { video: string; written: string[] };
    assert.equal(basename(data.video), 'Movie (2001) - dub es.mp4');
    assert.equal(await sha(f.source), f.original, 'the source is untouched');
    const p = probeSync(data.video);
    const audio = p.streams.filter((s) => s.type === 'audio');
    assert.equal(audio.length, 2);
    assert.equal(audio[1]!.language, 'spa');
    assert.equal(audio[1]!.handlerName ?? audio[1]!.title, 'Español (AI dub)');
    assert.equal(videoPackets(data.video), videoPackets(f.source));
    assert.ok(Math.abs((p.duration ?? 0) * 1000 - f.info.durationMs) < 100);
    const names = (await readdir(f.dir)).sort();
    assert.deepEqual(names, ['Movie (2001) - dub es.es.srt', 'Movie (2001) - dub es.es.vtt', 'Movie (2001) - dub es.mp4', 'Movie (2001).mp4']);
    // Players start with the original audio and no subtitles (MP4's muxer would enable them;
    // MP4 has no `original` flag).
    assert.deepEqual(flags(data.video), { audio: [[true, false], [false, false]], subtitle: [false] });
    await rm(run.workDir, { recursive: true, force: true });
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});

test('mux into MKV with two audio tracks and defaultAudio dub: the first dub track is the one default, the source default marked original', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-mkv-'));
  try {
    const source = join(dir, 'Show S01E01.mkv');
    await copyFile(await h264Ac3Mkv(), source);
    const info = await infoOf(source);
    const run = await runStageForTest(mux, {
      options: {}, params: { mode: 'mux', targetLanguages: ['es', 'ca'], defaultAudio: 'dub' },
      inputs: {
        source: outputOf({ media: source }), extract: outputOf({}, info),
        'mix:es': outputOf({ track: await toneM4a(500, 4) }, {}), 'mix:ca': outputOf({ track: await toneM4a(700, 4) }, {}),
      },
    });
    const out = (run.result.data as { video: string }).video;
    assert.equal(basename(out), 'Show S01E01 - dub es ca.mkv');
    const streams = probeSync(out).streams;
    const audio = streams.filter((s) => s.type === 'audio');
    assert.deepEqual(audio.map((s) => [s.language, s.title, s.dispositions.default, s.dispositions.original]), [
      ['eng', 'English 5.1', false, true],
      ['ger', 'Deutsch', false, false],
      ['spa', 'Español (AI dub)', true, false],
      ['cat', 'Català (AI dub)', false, false],
    ]);
    assert.ok(streams.some((s) => s.type === 'attachment'), 'the font attachment is kept');
    assert.equal(videoPackets(out), videoPackets(source));
    await rm(run.workDir, { recursive: true, force: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sidecar mode: Movie.es.mka and Movie.dubarr.es.srt (dubarr\'s tag: never read back as the user\'s); a user\'s own Movie.es.srt is never overwritten', async () => {
  const f = await muxFixture();
  try {
    await writeFile(join(f.dir, 'Movie (2001).es.srt'), 'user subtitles');
    const run = await runStageForTest(mux, { options: {}, params: { mode: 'sidecar', targetLanguages: ['es'] }, inputs: f.inputs });
    assert.equal(await sha(f.source), f.original);
    assert.equal(await readFile(join(f.dir, 'Movie (2001).es.srt'), 'utf8'), 'user subtitles');
    const names = (await readdir(f.dir)).sort();
    assert.deepEqual(names, ['Movie (2001).dubarr.es.srt', 'Movie (2001).dubarr.es.vtt', 'Movie (2001).es.mka', 'Movie (2001).es.srt', 'Movie (2001).mp4']);
    const mka = probeSync(join(f.dir, 'Movie (2001).es.mka'));
    assert.equal(mka.streams[0]!.language, 'spa');
    assert.equal(mka.streams[0]!.dispositions.default, false, 'the original in the video stays the default audio');
    await rm(run.workDir, { recursive: true, force: true });
    const dub = await runStageForTest(mux, { options: {}, params: { mode: 'sidecar', targetLanguages: ['es'], defaultAudio: 'dub' }, inputs: f.inputs });
    assert.equal(probeSync(join(f.dir, 'Movie (2001).es.mka')).streams[0]!.dispositions.default, true);
    await rm(dub.workDir, { recursive: true, force: true });
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});

test('in-place mode: replaced atomically and verified, no backup left; hard-linked files are refused unless forced', async () => {
  const f = await muxFixture();
  try {
    const before = videoPackets(f.source);
    const run = await runStageForTest(mux, { options: {}, params: { mode: 'inplace', targetLanguages: ['es'] }, inputs: f.inputs });
    assert.equal((run.result.data as { video: string }).video, f.source);
    assert.notEqual(await sha(f.source), f.original);
    assert.equal(probeSync(f.source).streams.filter((s) => s.type === 'audio').length, 2);
    assert.deepEqual(flags(f.source), { audio: [[true, false], [false, false]], subtitle: [false] });
    assert.equal(videoPackets(f.source), before);
    assert.deepEqual((await readdir(f.dir)).sort(), ['Movie (2001).dubarr.es.srt', 'Movie (2001).dubarr.es.vtt', 'Movie (2001).mp4'], 'no temp file or backup left');

    const f2 = await muxFixture();
    try {
      await link(f2.source, join(f2.dir, 'hardlink.mp4'));
      await assert.rejects(
        runStageForTest(mux, { options: {}, params: { mode: 'inplace', targetLanguages: ['es'] }, inputs: f2.inputs }),
        (e: unknown) => e instanceof DubarrError && e.code === 'E_FILE_HARDLINKED',
      );
      assert.equal(await sha(f2.source), f2.original);
      assert.equal((await stat(f2.source)).nlink, 2);
    } finally {
      await rm(f2.dir, { recursive: true, force: true });
    }
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});

/** [language, title (MP4: handler name), dub] of each audio track. */
const audioTracks = (path: string) => probeSync(path).streams.filter((s) => s.type === 'audio')
  .map((s) => [s.language, s.title ?? s.handlerName, s.dispositions.dub]);

test('in-place mode re-run after a crash that came after the swap\'s rename: the backup cleared, the original analysed, no second dub, the file untouched', async () => {
  const f = await muxFixture();
  try {
    const params = { mode: 'inplace', targetLanguages: ['es'], defaultAudio: 'dub' };
    const first = await runStageForTest(mux, { options: {}, params, inputs: f.inputs });
    await rm(first.workDir, { recursive: true, force: true });
    const dubbed = await sha(f.source);
    const tracks = [['eng', 'SoundHandler', false], ['spa', 'Español (AI dub)', true]];
    assert.deepEqual(audioTracks(f.source), tracks);
    // What a SIGKILL between the rename and the backup's removal leaves: the result in place, the original's bytes in the backup.
    await copyFile(await h264AacMp4(), backupPathFor(f.source));

    // The job is re-queued; its source changed, so it starts over: the analysis takes the original
    // English track although the dub is the default one now...
    const again = await extracted(f.source);
    await rm(again.workDir, { recursive: true, force: true });
    assert.deepEqual([again.info.audioStream, again.info.language, again.info.audioStreams], [1, 'en', 2]);
    // ...and the mux finds Spanish there already: nothing to add, the file is left as it is.
    const inputs = { ...f.inputs, extract: outputOf({}, again.info) };
    const run = await runStageForTest(mux, { options: {}, params, inputs });
    await rm(run.workDir, { recursive: true, force: true });
    const data = run.result.data as { video: string; written: string[]; tracks: unknown[]; alreadyDubbed: string[] };
    assert.deepEqual([data.video, data.tracks, data.alreadyDubbed], [f.source, [], ['es']]);
    assert.deepEqual(data.written.map((w) => basename(w)), ['Movie (2001).dubarr.es.srt', 'Movie (2001).dubarr.es.vtt'], 'only the subtitles');
    assert.equal(await sha(f.source), dubbed);
    assert.deepEqual(audioTracks(f.source), tracks, 'exactly one Spanish dub track');
    assert.deepEqual((await readdir(f.dir)).sort(), ['Movie (2001).dubarr.es.srt', 'Movie (2001).dubarr.es.vtt', 'Movie (2001).mp4'], 'no backup left');
    assert.ok(run.logs.some((l) => l.level === 'warn' && /dubarr-bak/.test(l.msg ?? '')), 'the cleared backup is logged');

    // A later job for Spanish and Catalan adds only Catalan.
    const both = await runStageForTest(mux, {
      options: {}, params: { ...params, targetLanguages: ['es', 'ca'] },
      inputs: { ...inputs, 'mix:ca': outputOf({ track: await toneM4a(700, 4) }, { offsetMs: 0 }) },
    });
    await rm(both.workDir, { recursive: true, force: true });
    assert.deepEqual((both.result.data as { alreadyDubbed: string[] }).alreadyDubbed, ['es']);
    assert.deepEqual(audioTracks(f.source), [...tracks, ['cat', 'Català (AI dub)', true]]);
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});

test('in-place mode re-run after a crash before the swap\'s rename (a hard-link or a half-copied backup left): cleared, one dub track, nothing left', async () => {
  for (const leftover of ['link', 'half copy'] as const) {
    const f = await muxFixture();
    try {
      // The state: the original in place, its backup (and the temporary file) beside it.
      if (leftover === 'link') await link(f.source, backupPathFor(f.source));
      else await writeFile(backupPathFor(f.source), (await readFile(f.source)).subarray(0, 4096));
      await writeFile(tempPathFor(f.source), 'an unfinished remux');
      const run = await runStageForTest(mux, { options: {}, params: { mode: 'inplace', targetLanguages: ['es'] }, inputs: f.inputs });
      await rm(run.workDir, { recursive: true, force: true });
      assert.deepEqual((run.result.data as { alreadyDubbed: string[] }).alreadyDubbed, [], leftover);
      assert.deepEqual(audioTracks(f.source), [['eng', 'SoundHandler', false], ['spa', 'Español (AI dub)', true]], leftover);
      assert.equal((await stat(f.source)).nlink, 1, leftover);
      assert.deepEqual((await readdir(f.dir)).sort(), ['Movie (2001).dubarr.es.srt', 'Movie (2001).dubarr.es.vtt', 'Movie (2001).mp4'], leftover);
    } finally {
      await rm(f.dir, { recursive: true, force: true });
    }
  }
});

test('in-place mode re-run beside a backup the file in place cannot be proven whole against: the job fails E_SWAP_UNRESOLVED, both files kept', async () => {
  const f = await muxFixture();
  try {
    const params = { mode: 'inplace', targetLanguages: ['es'] };
    const first = await runStageForTest(mux, { options: {}, params, inputs: f.inputs });
    await rm(first.workDir, { recursive: true, force: true });
    const result = await readFile(f.source);
    const backup = backupPathFor(f.source);
    const unresolved = (e: unknown) => e instanceof DubarrError && e.code === 'E_SWAP_UNRESOLVED' && e.message.includes(backup) && e.message.includes(f.source);

    // A result cut short (a failing disk), the original in the backup: the analysis, which reads
    // the file first, says so instead of calling the file unreadable.
    await copyFile(await h264AacMp4(), backup);
    await writeFile(f.source, result.subarray(0, 20_000));
    await assert.rejects(extracted(f.source), unresolved);
    // A result that reads, but is not the backup plus our dub (a backup with two audio tracks):
    // the analysis runs, the mux refuses before touching anything.
    await copyFile(await h264Ac3Mkv(), backup);
    await writeFile(f.source, result);
    await assert.rejects(runStageForTest(mux, { options: {}, params, inputs: { ...f.inputs, extract: outputOf({}, await freshInfo(f.source)) } }), unresolved);
    assert.equal(await sha(f.source), createHash('sha256').update(result).digest('hex'));
    assert.equal(await sha(backup), await sha(await h264Ac3Mkv()));
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});

test('in-place mode with a container change (.mpg -> .mkv), killed after the .mkv was placed and before the .mpg was removed: the re-run finishes the swap; a file there that is not this job\'s result is never replaced', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-new-name-'));
  try {
    const source = join(dir, 'Home video.mpg');
    const result = join(dir, 'Home video.mkv');
    await copyFile(await mpegPs(), source);
    const info = await freshInfo(source);
    const subtitles = outputOf({ srt: await srtFile(), vtt: await vttFile() }, { language: 'es' });
    const inputs = { source: outputOf({ media: source }), extract: outputOf({}, info), 'mix:es': outputOf({ track: await toneM4a(500, 4) }, { offsetMs: 0 }), 'subtitles:es': subtitles };
    const params = { mode: 'inplace', targetLanguages: ['es'] };
    const run = async () => {
      const r = await runStageForTest(mux, { options: {}, params, inputs });
      await rm(r.workDir, { recursive: true, force: true });
      return r;
    };
    const first = await run();
    assert.equal((first.result.data as { video: string }).video, result);
    const delivered = await readdir(dir);
    assert.deepEqual(delivered.sort(), ['Home video.dubarr.es.srt', 'Home video.dubarr.es.vtt', 'Home video.mkv']);
    const dubbedSha = await sha(result);

    // What a SIGKILL between placing Home video.mkv and removing Home video.mpg leaves: both.
    await copyFile(await mpegPs(), source);
    for (const f of delivered.filter((n) => n.includes('.dubarr.'))) await rm(join(dir, f));
    const again = await run();
    assert.equal((again.result.data as { video: string }).video, result);
    assert.deepEqual((await readdir(dir)).sort(), delivered.sort(), 'the .mpg removed, the sidecars written, nothing left');
    assert.equal(await sha(result), dubbedSha, 'the earlier run\'s result kept');
    assert.ok(again.logs.some((l) => l.level === 'warn' && /earlier run .*that swap is finished now/.test(l.msg ?? '')), 'the finished swap is logged');

    // A Catalan dub of ours under that name is no result of a Spanish job: kept, and so is the .mpg.
    await copyFile(await mpegPs(), source);
    await rm(result);
    const ca = await runStageForTest(mux, {
      options: {}, params: { mode: 'mux', targetLanguages: ['ca'] },
      inputs: { source: outputOf({ media: source }), extract: outputOf({}, info), 'mix:ca': outputOf({ track: await toneM4a(700, 4) }, { offsetMs: 0 }) },
    });
    await rm(ca.workDir, { recursive: true, force: true });
    await rename((ca.result.data as { video: string }).video, result);
    const catalan = await sha(result);
    await assert.rejects(run(), (e: unknown) => e instanceof DubarrError && e.code === 'E_OUTPUT_EXISTS'
      && /Home video\.mkv already exists and carries dubarr's dub tracks, but none in es: it is not this job's result/.test(e.message));
    assert.equal(await sha(result), catalan);
    assert.equal(await sha(source), await sha(await mpegPs()));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('in-place mode on an MPEG-TS recording (its timeline starts at 1.4 s): Recording.ts becomes Recording.mkv, verified as long as the source, and a re-run knows it as this job\'s result', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-ts-'));
  try {
    const source = join(dir, 'Recording.ts');
    await copyFile(await mpegTs(), source);
    const info = await freshInfo(source);
    const sourceProbe = probeSync(source);
    assert.ok((sourceProbe.startTime ?? 0) > 1, 'the fixture starts late, as DVB recordings do');
    const inputs = { source: outputOf({ media: source }), extract: outputOf({}, info), 'mix:es': outputOf({ track: await toneM4a(500, 4) }, { offsetMs: 0 }) };
    const params = { mode: 'inplace', targetLanguages: ['es'] };
    const first = await runStageForTest(mux, { options: {}, params, inputs });
    await rm(first.workDir, { recursive: true, force: true });
    const result = join(dir, 'Recording.mkv');
    assert.equal((first.result.data as { video: string }).video, result);
    assert.deepEqual((await readdir(dir)).sort(), ['Recording.mkv']);
    const out = probeSync(result);
    assert.deepEqual(out.streams.filter((s) => s.type === 'audio').map((s) => s.dispositions.dub), [false, true]);

    // Killed after Recording.mkv was placed, before Recording.ts was removed: the re-run checks the
    // .mkv against the source (the same duration rule) and finishes the swap.
    await copyFile(await mpegTs(), source);
    const again = await runStageForTest(mux, { options: {}, params, inputs });
    await rm(again.workDir, { recursive: true, force: true });
    assert.deepEqual((await readdir(dir)).sort(), ['Recording.mkv']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('in-place mode on a Blu-ray remux with a studio\'s French dub: --to fr adds our French dub (theirs is no dub of ours); the next run finds ours and adds nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-studio-dub-'));
  try {
    const source = join(dir, 'Film (1999).mkv');
    await copyFile(await commercialDubMkv(), source);
    const inputs = async () => ({
      source: outputOf({ media: source }), extract: outputOf({}, await freshInfo(source)),
      'mix:fr': outputOf({ track: await toneM4a(500, 4) }, { offsetMs: 0 }), 'subtitles:fr': outputOf({ srt: await srtFile() }, { language: 'fr' }),
    });
    const params = { mode: 'inplace', targetLanguages: ['fr'] };
    const first = await runStageForTest(mux, { options: {}, params, inputs: await inputs() });
    await rm(first.workDir, { recursive: true, force: true });
    assert.deepEqual((first.result.data as { alreadyDubbed: string[] }).alreadyDubbed, []);
    const tracks = [['eng', 'English', false], ['fre', 'Français', true], ['fre', 'Français (AI dub)', true]];
    assert.deepEqual(audioTracks(source), tracks);
    const dubbed = await sha(source);

    const again = await runStageForTest(mux, { options: {}, params, inputs: await inputs() });
    await rm(again.workDir, { recursive: true, force: true });
    assert.deepEqual((again.result.data as { alreadyDubbed: string[] }).alreadyDubbed, ['fr'], 'our title is read back from the MKV track name');
    assert.equal(await sha(source), dubbed);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('in-place mode on a disk too full for the new file (a real tmpfs): a coded error, the original byte-identical, nothing left', async (t) => {
  const why = mountUnavailable();
  if (why) { t.skip(why); return; }
  const size = (await stat(await h264AacMp4())).size;
  // Room for the original and half of the new file.
  await withTmpfs(Math.ceil((size * 1.5) / 4096) * 4096, async (dir) => {
    const f = await muxFixture(dir);
    await assert.rejects(
      runStageForTest(mux, { options: {}, params: { mode: 'inplace', targetLanguages: ['es'] }, inputs: f.inputs }),
      (e: unknown) => e instanceof DubarrError && e.code === 'E_OUTPUT_WRITE' && /space/i.test(e.message),
    );
    assert.equal(await sha(f.source), f.original);
    // The addon deletes a failed output's hidden temp file on its background thread, just after returning.
    assert.deepEqual(await settledLeftovers(dir, 10_000), []);
    assert.deepEqual(await readdir(dir), ['Movie (2001).mp4']);
  });
});

test('in-place mode in a read-only folder: a coded error, the original byte-identical, nothing written', async (t) => {
  const why = readOnlyUnavailable();
  if (why) { t.skip(why); return; }
  const f = await muxFixture();
  const undo = makeReadOnly(f.dir);
  try {
    await assert.rejects(
      runStageForTest(mux, { options: {}, params: { mode: 'inplace', targetLanguages: ['es'] }, inputs: f.inputs }),
      (e: unknown) => e instanceof DubarrError && e.code === 'E_OUTPUT_WRITE',
    );
    assert.equal(await sha(f.source), f.original);
    assert.deepEqual(await settledLeftovers(f.dir, 10_000), []);
    assert.deepEqual(await readdir(f.dir), ['Movie (2001).mp4']);
  } finally {
    undo();
    await rm(f.dir, { recursive: true, force: true });
  }
});

test('an MPEG-PS source (no default flags): an MKV whose original audio is the default; defaultSubtitle dub marks the subtitles', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-ps-'));
  try {
    const source = join(dir, 'Home video.mpg');
    await copyFile(await mpegPs(), source);
    const info = await infoOf(source);
    const inputs = {
      source: outputOf({ media: source }), extract: outputOf({}, info),
      'mix:es': outputOf({ track: await toneM4a(500, 4) }, {}), 'subtitles:es': outputOf({ srt: await srtFile() }, { language: 'es' }),
    };
    const plain = await runStageForTest(mux, { options: {}, params: { mode: 'mux', targetLanguages: ['es'] }, inputs });
    const out = (plain.result.data as { video: string }).video;
    assert.equal(basename(out), 'Home video - dub es.mkv');
    assert.deepEqual(flags(out), { audio: [[true, true], [false, false]], subtitle: [false] });
    const asked = await runStageForTest(mux, { options: {}, params: { mode: 'mux', targetLanguages: ['es'], defaultSubtitle: 'dub' }, inputs });
    assert.deepEqual(flags(out), { audio: [[true, true], [false, false]], subtitle: [true] });
    await assert.rejects(
      runStageForTest(mux, { options: {}, params: { mode: 'mux', targetLanguages: ['es'], defaultAudio: 'spanish' }, inputs }),
      (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT' && /defaultAudio/.test(e.message),
    );
    for (const r of [plain, asked]) await rm(r.workDir, { recursive: true, force: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('subtitleFormats: only the chosen sidecars are written; MKV embeds the ASS with its styles, MP4 gets mov_text', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-mux-formats-'));
  try {
    const subtitles = outputOf({ srt: await srtFile(), vtt: await vttFile(), ass: await assFile() }, { language: 'es' });
    const mix = outputOf({ track: await toneM4a(500, 4) }, {});
    const run = async (source: string, subtitleFormats: string[]) => {
      const info = await infoOf(source);
      const r = await runStageForTest(mux, {
        options: {}, params: { mode: 'mux', targetLanguages: ['es'], subtitleFormats },
        inputs: { source: outputOf({ media: source }), extract: outputOf({}, info), 'mix:es': mix, 'subtitles:es': subtitles },
      });
      await rm(r.workDir, { recursive: true, force: true });
      return (r.result.data as { video: string }).video;
    };
    const mkvSource = join(dir, 'Film.mkv');
    await copyFile(await h264Ac3Mkv(), mkvSource);
    const mkv = await run(mkvSource, ['srt', 'ass']);
    const added = probeSync(mkv).streams.filter((s) => s.type === 'subtitle' && s.language === 'spa');
    assert.deepEqual(added.map((s) => s.codec), ['ass']);
    const mp4Source = join(dir, 'Clip.mp4');
    await copyFile(await h264AacMp4(), mp4Source);
    const mp4 = await run(mp4Source, ['ass']);
    assert.deepEqual(probeSync(mp4).streams.filter((s) => s.type === 'subtitle').map((s) => [s.codec, s.language]), [['mov_text', 'spa']]);
    assert.deepEqual((await readdir(dir)).filter((n) => / - dub es\.es\./.test(n)).sort(), [
      'Clip - dub es.es.ass', 'Film - dub es.es.ass', 'Film - dub es.es.srt',
    ]);
    await assert.rejects(run(mp4Source, ['sub']), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
