/**
 * Running the same job again on a library dubarr has already written to, through the real CLI:
 * its own files beside the video (sidecar and in-place modes) are never taken for the user's,
 * so a re-run is all cache hits; and a job re-run after a crash in the middle of an in-place
 * swap finishes without a second dub track or a leftover backup.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { probeSync } from '../../native/lib/index.js';
import { StageCache } from '../../core/jobs/stage-cache.js';
import { SENTENCES, talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf, type DubRun } from './dub-harness.js';

/** The steps that ran (not served from the cache), besides the two that always run. */
const ran = (r: DubRun) => r.runs.filter((x) => x.status === 'succeeded' && x.step !== 'mux' && x.step !== 'qa').map((x) => x.step);
const source = (r: DubRun) => (outputsOf(r.job).qa!.data as { source: { kind: string; detail?: string } }).source;
const library = async (dir: string) => (await readdir(dir)).filter((n) => n !== 'data' && n !== 'dubarr.yaml' && n !== 'keep').sort();

test('sidecar mode, ASR source: a second run reads none of the first run\'s files as subtitles and is all cache hits', async () => {
  const w = await dubWorkspace('rerun-asr');
  try {
    const video = await talkVideo({ dir: w.dir, name: 'Clip', backgroundDb: -42, sentences: SENTENCES.slice(0, 3), durationMs: 12_000 });
    const first = await w.dub(video.path, '--from', 'en', '--to', 'es', '--mode', 'sidecar');
    assert.equal(first.code, 0, first.err);
    assert.equal(source(first).kind, 'asr');
    // The transcript and the translation carry dubarr's tag; the dub track is the .mka.
    assert.deepEqual(await library(w.dir), ['Clip.dubarr.en.srt', 'Clip.dubarr.en.vtt', 'Clip.dubarr.es.srt', 'Clip.dubarr.es.vtt', 'Clip.es.mka', 'Clip.mp4']);

    const second = await w.dub(video.path, '--from', 'en', '--to', 'es', '--mode', 'sidecar');
    assert.equal(second.code, 0, second.err);
    assert.deepEqual(source(second), source(first), 'still recognized speech, not our transcript');
    assert.deepEqual(ran(second), [], 'every step a cache hit');
    assert.equal(second.runs.find((x) => x.step === 'text' && x.status === 'cached')?.provider, 'pocketsphinx');

    // Without --from the files beside the video are not evidence either (our Spanish one would otherwise be the only tagged language).
    const auto = await w.dub(video.path, '--to', 'es', '--mode', 'sidecar');
    assert.equal(auto.code, 0, auto.err);
    assert.equal(source(auto).kind, 'asr');
    assert.ok(!ran(auto).includes('synthesize:es'), `the dub is reused (ran: ${ran(auto).join(' ')})`);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('sidecar mode, the user\'s English SRT as the source: the re-run reads it again and is all cache hits, text included', async () => {
  const w = await dubWorkspace('rerun-srt');
  try {
    const video = await talkVideo({ dir: w.dir, name: 'Clip', srtSidecar: true, sentences: SENTENCES.slice(0, 3), durationMs: 12_000 });
    const users = await readFile(video.srtPath!, 'utf8');
    const first = await w.dub(video.path, '--to', 'es', '--mode', 'sidecar');
    assert.equal(first.code, 0, first.err);
    assert.match(source(first).detail ?? '', /^sidecar Clip\.en\.srt /);
    // The user has English subtitles: no transcript of ours beside them.
    assert.deepEqual(await library(w.dir), ['Clip.dubarr.es.srt', 'Clip.dubarr.es.vtt', 'Clip.en.srt', 'Clip.es.mka', 'Clip.mp4']);

    const second = await w.dub(video.path, '--to', 'es', '--mode', 'sidecar');
    assert.equal(second.code, 0, second.err);
    assert.deepEqual(source(second), source(first));
    assert.deepEqual(ran(second), [], 'every step a cache hit');
    assert.equal(await readFile(video.srtPath!, 'utf8'), users, 'the user\'s file untouched');
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('in-place mode, killed after the swap\'s rename: the re-queued job dubs nothing twice, clears the backup and succeeds', async () => {
  const w = await dubWorkspace('rerun-inplace');
  try {
    const video = await talkVideo({ dir: w.dir, name: 'Clip', backgroundDb: -42, sentences: SENTENCES.slice(0, 3), durationMs: 12_000 });
    await mkdir(join(w.dir, 'keep'));
    const original = join(w.dir, 'keep', 'original.mp4');
    await copyFile(video.path, original);
    // The dub as the default track: the re-run must still analyse the original.
    const env = { DUBARR_PIPELINE_DEFAULT_AUDIO: 'dub' };
    const first = await w.dubWithEnv(env, video.path, '--from', 'auto', '--to', 'es', '--mode', 'inplace');
    assert.equal(first.code, 0, first.err);
    const audio = () => probeSync(video.path).streams.filter((s) => s.type === 'audio').map((s) => [s.language, s.dispositions.dub, s.dispositions.default]);
    const dubbed = [['eng', false, false], ['spa', true, true]];
    assert.deepEqual(audio(), dubbed);
    const after = await library(w.dir);
    assert.deepEqual(after, ['Clip.dubarr.en.srt', 'Clip.dubarr.en.vtt', 'Clip.dubarr.es.srt', 'Clip.dubarr.es.vtt', 'Clip.mp4']);

    // What a SIGKILL between the rename and the end of the job leaves: the result in place and
    // the original under the backup's name. The job is re-queued and runs again from the start.
    await copyFile(original, join(w.dir, '.Clip.mp4.dubarr-bak'));
    const second = await w.dubWithEnv(env, video.path, '--from', 'auto', '--to', 'es', '--mode', 'inplace');
    assert.equal(second.code, 0, second.err);
    assert.equal(second.job.status, 'succeeded');
    assert.deepEqual(audio(), dubbed, 'exactly one Spanish dub track');
    assert.deepEqual(await library(w.dir), after, 'no backup left');
    const mux = outputsOf(second.job).mux!.data as { alreadyDubbed: string[]; tracks: unknown[]; written: string[] };
    assert.deepEqual([mux.alreadyDubbed, mux.tracks], [['es'], []]);
    assert.ok(!mux.written.includes(video.path), 'the video was not written');
    // The re-run analysed the English original, not the default Spanish dub.
    const extractRun = second.runs.find((x) => x.step === 'extract' && x.status === 'succeeded')!;
    const extract = (await new StageCache(join(w.dir, 'data', 'cache')).get(extractRun.cacheKey!))!.data as { language: string; audioStream: number };
    assert.deepEqual([extract.language, extract.audioStream], ['en', 1]);
    assert.deepEqual(source(second).kind, 'asr');
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
