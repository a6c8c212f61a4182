/**
 * The source language end to end, through the real CLI: 'und' tags, wrong tags and no tags, on
 * generated talk videos (espeak-ng English speech) re-tagged with ffmpeg.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { distRoot } from '../../core/app/paths.js';
import { probeSync } from '../../native/lib/index.js';
import type { SourceLanguageDecision } from '../../plugins/sdk/language-evidence.js';
import { SENTENCES, talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf, type DubRun } from './dub-harness.js';

const run = promisify(execFile);

/** `src` with its streams re-tagged (`-metadata:s:a:0 language=und` ...), re-encoded for WebM. */
async function retag(src: string, out: string, tags: string[]): Promise<string> {
  const codecs = out.endsWith('.webm')
    ? ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '100k', '-c:a', 'libopus', '-b:a', '64k']
    : ['-c', 'copy'];
  await run('ffmpeg', ['-v', 'error', '-y', '-i', src, '-map', '0', ...codecs, ...tags, out]);
  return out;
}

const qaOf = (r: DubRun) => outputsOf(r.job).qa!.data as { sourceLanguage?: SourceLanguageDecision; source: { kind: string } };
const audioLanguages = (path: string) => probeSync(path).streams.filter((s) => s.type === 'audio').map((s) => s.language);

async function jobsShow(dir: string, id: string): Promise<string> {
  const cli = join(distRoot, 'core', 'cli', 'main.js');
  const p = spawn(process.execPath, [cli, '--config', join(dir, 'dubarr.yaml'), 'jobs', 'show', id], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  await new Promise((r) => p.once('close', r));
  return out;
}

test("an MP4 whose streams are all tagged 'und', with an untagged SRT: dubbed, the language read from the subtitle text", async () => {
  const w = await dubWorkspace('und');
  try {
    const video = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'Clip' });
    const und = await retag(video.path, join(w.dir, 'Home Movie.mp4'), ['-metadata:s:a:0', 'language=und', '-metadata:s:v:0', 'language=und']);
    await rename(video.srtPath!, join(w.dir, 'Home Movie.srt'));
    assert.deepEqual(audioLanguages(und), ['und']);

    const r = await w.dub(und, '--from', 'auto', '--to', 'es');
    assert.equal(r.code, 0, r.err);
    const decided = qaOf(r).sourceLanguage!;
    assert.deepEqual([decided.language, decided.decidedBy, decided.audioTag, decided.overridesTag], ['en', 'subtitle-text', undefined, false]);
    assert.deepEqual(audioLanguages(join(w.dir, 'Home Movie - dub es.mp4')), ['und', 'spa']);
    // The source-language subtitles are named after the decided language, not 'und'.
    assert.ok(existsSync(join(w.dir, 'Home Movie - dub es.en.srt')));
    assert.match(r.err + r.out, /source language en \(subtitle-text/);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test("a WebM with English speech tagged 'deu' beside an untagged English SRT: the text overrules the tag, reported and cached", async () => {
  const w = await dubWorkspace('deu');
  try {
    const video = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'Clip' });
    const webm = await retag(video.path, join(w.dir, 'Talk.webm'), ['-metadata:s:a:0', 'language=deu']);
    await rename(video.srtPath!, join(w.dir, 'Talk.srt'));

    const r = await w.dub(webm, '--from', 'auto', '--to', 'es');
    assert.equal(r.code, 0, r.err);
    const decided = qaOf(r).sourceLanguage!;
    assert.deepEqual([decided.language, decided.decidedBy, decided.audioTag, decided.overridesTag], ['en', 'subtitle-text', 'de', true]);
    assert.ok(decided.confidence! >= 0.8, `confidence ${decided.confidence}`);
    assert.deepEqual(decided.evidence.map((e) => [e.method, e.language]), [['subtitle-text', 'en'], ['audio-tag', 'de']]);
    assert.match(decided.note, /subtitle text.*German and was overruled/);
    assert.deepEqual(audioLanguages(join(w.dir, 'Talk - dub es.webm')), ['deu', 'spa'], 'the source track keeps its tag');
    assert.equal(r.runs.find((x) => x.step === 'spoken-language')?.status, 'skipped', 'no audio identifier ships yet');
    const shown = await jobsShow(w.dir, r.job.id);
    assert.match(shown, /languages auto = en \(subtitle-text \d+%; audio tag de overruled\) -> es/);
    assert.match(shown, /"decidedBy": "subtitle-text"/);

    // The decided language reaches later steps the same way on a re-run: everything is a cache hit.
    const again = await w.dub(webm, '--from', 'auto', '--to', 'es');
    assert.equal(again.code, 0, again.err);
    for (const step of ['text', 'language', 'units', 'translate:es', 'synthesize:es', 'mix:es']) {
      assert.deepEqual(again.runs.filter((x) => x.step === step).map((x) => x.status), ['cached'], step);
    }
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('no subtitles: an untagged source is recognized as English (the only recognizer), a German-tagged one fails naming the tag', async () => {
  const w = await dubWorkspace('nosubs');
  try {
    // Three sentences, 12 s: recognition is the slow part of this test.
    const video = await talkVideo({ dir: w.dir, name: 'Clip', backgroundDb: -42, sentences: SENTENCES.slice(0, 3), durationMs: 12_000 });
    const untagged = await retag(video.path, join(w.dir, 'Untagged.mp4'), ['-metadata:s:a:0', 'language=und']);
    const r = await w.dub(untagged, '--to', 'es');
    assert.equal(r.code, 0, r.err);
    assert.equal(qaOf(r).source.kind, 'asr');
    const decided = qaOf(r).sourceLanguage!;
    assert.deepEqual([decided.language, decided.decidedBy], ['en', 'recognizer']);
    assert.match(decided.note, /pocketsphinx.*assumption/);

    const german = await retag(video.path, join(w.dir, 'German.mp4'), ['-metadata:s:a:0', 'language=ger']);
    const failed = await w.dub(german, '--to', 'es');
    assert.equal(failed.code, 1);
    assert.match(failed.err, /E_NO_PROVIDER/);
    assert.match(failed.err, /'de' comes from the audio stream's language tag; if the tag is wrong, pass --from/);
    assert.ok(!failed.runs.some((x) => x.provider === 'pocketsphinx'), 'English recognition never ran on audio tagged German');
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
