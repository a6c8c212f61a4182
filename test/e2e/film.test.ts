/**
 * The film preset end to end, offline, through the real CLI: the bundled example script (in
 * YAML and in Markdown) into one MP4 with espeak-ng voices, still-picture clips, a synthesized
 * bed, an audio and a caption track per language and a chapter per scene. Small pictures
 * (320x180) keep it quick.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeToWavSync, probeSync } from '../../native/lib/index.js';
import { packageRoot } from '../../core/app/paths.js';
import type { Script, SynthesizedSegments, Timeline } from '../../plugins/sdk/index.js';
import { readWav } from '../../plugins/sdk/wav.js';
import { colourDistance, frameAt, hexColour, meanColour } from '../../plugins/sdk/frame-pixels.testkit.js';
import sharp from 'sharp';
import { dubWorkspace, outputsOf, stepData, type DubRun } from './dub-harness.js';

const SMALL = {
  DUBARR_PLUGINS_OPTIONS_FILM__WIDTH: '320', DUBARR_PLUGINS_OPTIONS_FILM__HEIGHT: '180',
  DUBARR_PLUGINS_OPTIONS_PODCAST__WIDTH: '320', DUBARR_PLUGINS_OPTIONS_PODCAST__HEIGHT: '180',
};
const example = (...p: string[]) => join(packageRoot, 'config', 'examples', ...p);

/** Mean level in dBFS of one audio track over [startMs, endMs). */
function levelDb(samples: Float32Array, rate: number, startMs: number, endMs: number): number {
  let s = 0;
  const a = Math.floor((startMs * rate) / 1000);
  const b = Math.floor((endMs * rate) / 1000);
  for (let i = a; i < b; i++) s += samples[i]! * samples[i]!;
  return 10 * Math.log10(s / Math.max(1, b - a) + 1e-12);
}

function captions(video: string, index: number): Array<{ start: number; text: string }> {
  const srt = execFileSync('ffmpeg', ['-v', 'error', '-i', video, '-map', `0:s:${index}`, '-f', 'srt', '-']).toString();
  return srt.trim().split(/\r?\n\r?\n/).map((cue) => {
    const [, times, ...text] = cue.split(/\r?\n/);
    const [h, m, s, ms] = times!.split(' --> ')[0]!.split(/[:,]/).map(Number);
    return { start: ((h! * 60 + m!) * 60 + s!) * 1000 + ms!, text: text.join(' ') };
  });
}

async function filmChecks(run: DubRun, dataDir: string, video: string, languages: string[]): Promise<Timeline> {
  const timeline = await stepData<Timeline>(run, dataDir, 'timeline');
  const script = await stepData<Script>(run, dataDir, 'script');
  const p = probeSync(video);
  const v = p.streams.filter((s) => s.type === 'video');
  assert.deepEqual(v.map((s) => [s.codec, s.width, s.height]), [['h264', 320, 180]]);
  const audio = p.streams.filter((s) => s.type === 'audio');
  const subs = p.streams.filter((s) => s.type === 'subtitle');
  const tags = (l: string) => ({ en: 'eng', es: 'spa' })[l];
  assert.deepEqual(audio.map((s) => [s.codec, s.language]), languages.map((l) => ['aac', tags(l)]));
  assert.deepEqual(subs.map((s) => [s.codec, s.language]), languages.map((l) => ['mov_text', tags(l)]));
  // As long as the timeline, to the frame.
  assert.ok(Math.abs(p.duration! * 1000 - timeline.durationMs) <= 40, `${p.duration} s vs ${timeline.durationMs} ms`);
  assert.ok(Math.abs(v[0]!.duration! * 1000 - timeline.durationMs) <= 40, `video ${v[0]!.duration} s`);
  // A chapter per scene, where the timeline put it.
  assert.deepEqual(p.chapters.map((c) => [c.title, Math.round(c.start * 1000), Math.round(c.end * 1000)]),
    timeline.scenes.map((s, i) => [script.scenes[i]!.title, s.start, s.end]));
  // Captions: every line, in each language, from where its speech starts.
  const lines = script.scenes.flatMap((s) => s.lines);
  languages.forEach((l, k) => {
    const cues = captions(video, k);
    assert.deepEqual(cues.map((c) => c.text), lines.map((x) => (l === script.language ? x.text : x.translations[l])));
    assert.deepEqual(cues.map((c) => c.start), timeline.lines.map((x) => x.start));
  });
  return timeline;
}

test('film: the example script (YAML) makes one MP4 beside it: H.264, an AAC and a caption track per language, chapters per scene, speech where the timeline puts it, over the bed', async () => {
  const w = await dubWorkspace('film');
  try {
    const scriptFile = join(w.dir, 'short-film.yaml');
    await copyFile(example('film', 'short-film.yaml'), scriptFile);
    const before = await readFile(scriptFile);
    const run = await w.dubWithEnv(SMALL, scriptFile, '--preset', 'film', '--to', 'en,es');
    assert.equal(run.code, 0, run.err);
    const video = join(w.dir, 'short-film.mp4');
    assert.deepEqual(outputsOf(run.job).assemble!.data, {
      written: [video], video, durationMs: (await stepData<Timeline>(run, join(w.dir, 'data'), 'timeline')).durationMs,
      languages: ['en', 'es'], captions: 'track', chapters: 2,
    });
    assert.deepEqual((await readdir(w.dir)).sort(), ['data', 'dubarr.yaml', 'short-film.mp4', 'short-film.yaml'], 'nothing else written');
    assert.deepEqual(await readFile(scriptFile), before, 'the script is untouched');
    const dataDir = join(w.dir, 'data');
    const timeline = await filmChecks(run, dataDir, video, ['en', 'es']);

    // A voice per character by gender: espeak-ng's female variants for Mara, male for Tom.
    for (const l of ['en', 'es']) {
      const speech = await stepData<SynthesizedSegments>(run, dataDir, `synthesize:${l}`);
      const byLine = new Map(speech.segments.map((s) => [s.id, s.voice]));
      assert.deepEqual(timeline.lines.map((x) => [x.character, /\+f\d$/.test(byLine.get(x.id)!) ? 'female' : /\+m\d$/.test(byLine.get(x.id)!) ? 'male' : byLine.get(x.id)]),
        [['Mara', 'female'], ['Tom', 'male'], ['Mara', 'female'], ['Tom', 'male']], `${l} voices`);
    }
    assert.equal(run.runs.find((r) => r.step === 'video' && r.status === 'succeeded')?.provider, 'still-video');
    assert.equal(run.runs.find((r) => r.step === 'music' && r.status === 'succeeded')?.provider, 'synth-bed');

    // The English track: speech inside each line's span, only the quiet bed in the lead-in before the first.
    const wav = join(w.dir, 'data', 'en.wav');
    decodeToWavSync(video, wav, { language: 'eng', sampleRate: 16000, channels: 'mono' });
    const x = (await readWav(wav)).channels[0]!;
    const bed = levelDb(x, 16000, 100, timeline.lines[0]!.start - 50);
    assert.ok(bed < -35 && bed > -60, `the bed is there, quietly: ${bed.toFixed(1)} dBFS`);
    for (const l of timeline.lines) {
      const speech = levelDb(x, 16000, l.start, l.end);
      assert.ok(speech > bed + 12, `${l.id}: ${speech.toFixed(1)} dBFS over a ${bed.toFixed(1)} dBFS bed`);
    }

    // The Markdown form of the same script makes the same film: a second run replaces dubarr's own MP4.
    const md = join(w.dir, 'short-film.md');
    await copyFile(example('film', 'short-film.md'), md);
    const again = await w.dubWithEnv(SMALL, md, '--preset', 'film', '--to', 'en,es');
    assert.equal(again.code, 0, again.err);
    assert.equal(again.runs.find((r) => r.step === 'synthesize:en')?.status, 'cached', 'the same lines: the same speech');
    assert.deepEqual(await filmChecks(again, dataDir, video, ['en', 'es']), timeline);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('film: a bad script fails the job with E_SCRIPT_INVALID naming its line; a language the script lacks, and a file of the user\'s in the way, fail too and touch nothing', async () => {
  const w = await dubWorkspace('film-bad');
  try {
    const bad = join(w.dir, 'bad.yaml');
    await writeFile(bad, 'title: T\nlanguage: en\ncharacters: [{ name: Mara }]\nscenes:\n  - prompt: sea\n    lines:\n      - { character: Mara, text: Hello }\n      - { character: Tom, text: Hi }\n');
    const run = await w.dubWithEnv(SMALL, bad, '--preset', 'film', '--to', 'en');
    assert.equal(run.code, 1);
    assert.equal(run.job.status, 'failed');
    assert.equal(run.job.error?.code, 'E_SCRIPT_INVALID');
    assert.match(run.job.error!.message, /bad\.yaml, line 8: 'Tom' is not among the characters/);
    assert.match(run.err, /E_SCRIPT_INVALID/);

    const film = join(w.dir, 'short-film.yaml');
    await copyFile(example('film', 'short-film.yaml'), film);
    const catalan = await w.dubWithEnv(SMALL, film, '--preset', 'film', '--to', 'ca');
    assert.equal(catalan.job.error?.code, 'E_SCRIPT_INVALID');
    assert.match(catalan.job.error!.message, /line 14 of the script has no 'ca' text/);

    const theirs = join(w.dir, 'short-film.mp4');
    await writeFile(theirs, 'the user\'s own file');
    const blocked = await w.dubWithEnv(SMALL, film, '--preset', 'film', '--to', 'en');
    assert.equal(blocked.job.error?.code, 'E_OUTPUT_EXISTS');
    assert.equal(await readFile(theirs, 'utf8'), 'the user\'s own file');
    assert.deepEqual((await readdir(w.dir)).sort(), ['bad.yaml', 'data', 'dubarr.yaml', 'short-film.mp4', 'short-film.yaml']);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('film: a scene\'s image is its picture, and an edited image is a new picture on the next run; music: false gives a silent bed; a scene without lines lasts its seconds', async () => {
  const w = await dubWorkspace('film-image');
  try {
    const image = join(w.dir, 'harbour.png');
    const paint = (colour: string) => sharp({ create: { width: 640, height: 360, channels: 3, background: colour } }).png().toFile(image);
    await paint('#2a6f97');
    const script = join(w.dir, 'harbour.md');
    await writeFile(script, [
      '---', 'title: Harbour', 'language: en', 'characters: [{ name: Ana, gender: female }]', 'music: false', '---', '',
      '## Morning', 'image: harbour.png', '', 'Ana: The boats are back.', '', '## End', 'prompt: The end', 'seconds: 2', '',
    ].join('\n'));
    const video = join(w.dir, 'harbour.mp4');
    const frameColour = (ms: number) => meanColour(frameAt(video, ms / 1000, 320, 180), 40, 30, 240, 120);
    const run = await w.dubWithEnv(SMALL, script, '--preset', 'film', '--to', 'en');
    assert.equal(run.code, 0, run.err);
    const timeline = await stepData<Timeline>(run, join(w.dir, 'data'), 'timeline');
    assert.equal(timeline.scenes[1]!.end - timeline.scenes[1]!.start, 2000);
    assert.deepEqual(await stepData(run, join(w.dir, 'data'), 'music'), { durationMs: timeline.durationMs, made: 'silence' });
    const middle = (timeline.scenes[0]!.start + timeline.scenes[0]!.end) / 2;
    assert.ok(colourDistance(frameColour(middle), hexColour('#2a6f97')) <= 12, `scene 1 shows ${frameColour(middle)}`);

    await paint('#b5651d');
    const again = await w.dubWithEnv(SMALL, script, '--preset', 'film', '--to', 'en');
    assert.equal(again.code, 0, again.err);
    assert.equal(again.runs.find((r) => r.step === 'video')?.status, 'succeeded', 'the clips are made again');
    assert.ok(colourDistance(frameColour(middle), hexColour('#b5651d')) <= 12, `scene 1 now shows ${frameColour(middle)}`);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
