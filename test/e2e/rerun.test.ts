/**
 * Running the same job again on a library dubarr has already written to, through the real CLI:
 * its own files beside the video (sidecar and in-place modes) are never taken for the user's,
 * so a re-run is all cache hits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { SENTENCES, talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf, type DubRun } from './dub-harness.js';

/** The steps that ran (not served from the cache), besides the two that always run. */
const ran = (r: DubRun) => r.runs.filter((x) => x.status === 'succeeded' && x.step !== 'mux' && x.step !== 'qa').map((x) => x.step);
const source = (r: DubRun) => (outputsOf(r.job).qa!.data as { source: { kind: string; detail?: string } }).source;
const library = async (dir: string) => (await readdir(dir)).filter((n) => n !== 'data' && n !== 'dubarr.yaml').sort();

test('sidecar mode, ASR source: a second run reads none of the first run\'s files as subtitles and is all cache hits', async () => {
  const w = await dubWorkspace('rerun-asr');
  try {
    const video = await talkVideo({ dir: w.dir, name: 'Clip', backgroundDb: -42, sentences: SENTENCES.slice(0, 3), durationMs: 12_000 });
    const first = await w.dub(video.path, '--from', 'en', '--to', 'es', '--mode', 'sidecar');
    assert.equal(first.code, 0, first.err);
    assert.equal(source(first).kind, 'asr');
    // The transcript and the translation carry dubarr's tag; the dub track is the .mka.
    assert.deepEqual(await library(w.dir), ['Clip.dubarr.en.srt', 'Clip.dubarr.es.srt', 'Clip.dubarr.es.vtt', 'Clip.es.mka', 'Clip.mp4']);

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
