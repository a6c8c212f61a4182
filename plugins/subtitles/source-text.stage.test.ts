import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, Transcript, type ErrorCode, type StageInput } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';

const root = await mkdtemp(join(tmpdir(), 'dubarr-subtitles-test-'));
after(() => rm(root, { recursive: true, force: true }));

/** A real (tiny) video, made once: 1 s of black with a tone. */
const video = (async () => {
  const p = join(root, 'source.mkv');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=64x64:r=10:d=1', '-f', 'lavfi', '-i', 'sine=f=440:d=1',
    '-c:v', 'mpeg4', '-c:a', 'aac', '-shortest', p]);
  return p;
})();

let dirs = 0;
/** A folder holding Movie.mkv and the given files (string = UTF-8 text, Buffer = bytes). */
async function library(files: Record<string, string | Buffer>, videoName = 'Movie.mkv'): Promise<string> {
  const dir = join(root, `lib${++dirs}`);
  await mkdir(dir, { recursive: true });
  await copyFile(await video, join(dir, videoName));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return join(dir, videoName);
}

function srt(cues: Array<[start: number, end: number, text: string]>, eol = '\n'): string {
  const t = (ms: number) => new Date(ms).toISOString().slice(11, 23).replace('.', ',');
  return cues.map(([s, e, text], i) => [String(i + 1), `${t(s)} --> ${t(e)}`, ...text.split('\n'), ''].join(eol)).join(eol);
}

const EN = srt([[1000, 2500, 'Hello there.'], [3000, 4200, '<i>How are you?</i>'], [5000, 6500, '[music]\n- Fine.\n- Good.']]);

function input(media: string | undefined, extra: Partial<StageInput> = {}): Partial<StageInput> & { options: unknown } {
  return { options: {}, params: { sourceLanguage: 'en' }, inputs: media ? { source: outputOf({ media }) } : {}, ...extra };
}

const def = findStage(plugin, 'subtitles:source-text');
async function run(i: Partial<StageInput> & { options: unknown }): Promise<Transcript> {
  const r = await runStageForTest<Transcript>(def, i);
  await rm(r.workDir, { recursive: true, force: true });
  return Transcript.parse(r.result.data);
}
async function rejects(i: Partial<StageInput> & { options: unknown }, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(runStageForTest(def, i), (e: unknown) => {
    assert.ok(e instanceof DubarrError);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

contractSuite({
  plugin,
  stage: 'subtitles:source-text',
  invalidOptions: { alignToleranceMs: -1 },
  unavailableOptions: { enabled: false },
  validInput: async () => input(await library({ 'Movie.en.srt': EN })),
  corruptInput: async () => input(await library({ 'Movie.en.srt': EN }), { inputs: { source: outputOf({ media: await video }), vad: outputOf({}, { segments: 'nope' }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  // A film's worth of cues: reading, cleaning and aligning them is the work the abort interrupts.
  longInput: async () => input(await library({ 'Movie.en.srt': srt(Array.from({ length: 2000 }, (_, i) => [i * 3000, i * 3000 + 2500, `Line number ${i}, spoken clearly.`])) })),
  check(r) {
    const t = Transcript.parse(r.result.data);
    assert.equal(t.language, 'en');
    assert.equal(t.source.kind, 'subtitles');
  },
});

test('the source-language sidecar becomes a cleaned transcript', async () => {
  const media = await library({
    'Movie.en.srt': EN,
    'Movie.es.srt': srt([[1000, 2000, 'Hola.']]),
    'Movie.en.forced.srt': srt([[1000, 2000, 'FORCED']]),
  });
  const t = await run(input(media));
  assert.equal(t.language, 'en');
  assert.match(t.source.detail ?? '', /sidecar Movie\.en\.srt \(srt, utf-8/);
  assert.deepEqual(t.segments.map((s) => [s.id, s.start, s.end, s.text]), [
    ['s0001', 1000, 2500, 'Hello there.'],
    ['s0002', 3000, 4200, 'How are you?'],
    ['s0003', 5000, 5750, 'Fine.'],
    ['s0004', 5750, 6500, 'Good.'],
  ]);
});

test('Windows-1252, CRLF, SDH-only in a Subs folder: decoded and cleaned', async () => {
  const text = srt([[500, 2000, 'JOHN: Ça va? (sighs)'], [2500, 4000, '[applause]'], [4500, 6000, 'Très bien.']], '\r\n');
  const media = await library({ 'Subs/Movie.eng.SDH.srt': Buffer.from(text, 'latin1') });
  const t = await run(input(media));
  assert.match(t.source.detail ?? '', /Subs\/Movie\.eng\.SDH\.srt \(srt, windows-1252, 1 non-dialogue/);
  assert.deepEqual(t.segments.map((s) => [s.text, s.speaker]), [['Ça va?', 'John'], ['Très bien.', undefined]]);
});

test('cue edges snap to VAD speech boundaries within the tolerance', async () => {
  const media = await library({ 'Movie.en.srt': srt([[1000, 2500, 'One.'], [2600, 4000, 'Two.'], [8000, 9000, 'Three.']]) });
  const vad = outputOf({}, { durationMs: 10000, segments: [{ start: 1200, end: 2300 }, { start: 2450, end: 3700 }, { start: 9600, end: 9900 }] });
  const t = await run(input(media, { inputs: { source: outputOf({ media }), vad } }));
  assert.deepEqual(t.segments.map((s) => [s.start, s.end]), [[1200, 2300], [2450, 3700], [8000, 9000]]);
  const loose = await run(input(media, { options: { alignToleranceMs: 0 }, inputs: { source: outputOf({ media }), vad } }));
  assert.deepEqual(loose.segments.map((s) => [s.start, s.end]), [[1000, 2500], [2600, 4000], [8000, 9000]]);
});

test('a malformed or empty first choice falls through to the next sidecar', async () => {
  const media = await library({
    'Movie.en.srt': Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]),
    'Movie.en.ass': '[Script Info]\n\n[V4+ Styles]\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n'
      + 'Dialogue: 0,0:00:01.00,0:00:02.00,Default,Ann,0,0,0,,{\\i1}Hi,\\Nyou.\nDialogue: 0,0:00:xx.00,0:00:04.00,Default,,0,0,0,,Broken\n',
  });
  const r = await runStageForTest<Transcript>(def, input(media));
  await rm(r.workDir, { recursive: true, force: true });
  const t = Transcript.parse(r.result.data);
  assert.deepEqual(t.segments.map((s) => [s.start, s.end, s.text, s.speaker]), [[1000, 2000, 'Hi, you.', 'Ann']]);
  assert.match(t.source.detail ?? '', /Movie\.en\.ass \(ass, utf-8, 1 malformed cue\(s\) skipped\)/);
  assert.ok(r.logs.some((l) => l.level === 'warn' && /malformed/.test(l.msg ?? '')), 'the skipped cue is logged');
});

test('no source language: the only language, else English, reported in the transcript', async () => {
  const onlyGerman = await library({ 'Movie.de.srt': srt([[0, 1000, 'Hallo.']]) });
  assert.equal((await run(input(onlyGerman, { params: {} }))).language, 'de');
  const several = await library({ 'Movie.fr.srt': srt([[0, 1000, 'Salut.']]), 'Movie.English.srt': srt([[0, 1000, 'Hi.']]) });
  const t = await run(input(several, { params: {} }));
  assert.deepEqual([t.language, t.segments[0]!.text], ['en', 'Hi.']);
  const untagged = await library({ 'Movie.srt': srt([[0, 1000, 'Who knows.']]) });
  assert.equal('language' in (await run(input(untagged, { params: {} }))), false, 'an untagged file has no language, not "und"');
  assert.equal('language' in (await run(input(untagged, { params: { sourceLanguage: 'und' } }))), false, '"und" is not a given language');
  assert.equal((await run(input(untagged, { params: { sourceLanguage: 'eng' } }))).language, 'en');
});

test('the audio tag is a hint: it ranks subtitles first but a wrong one never hides the others', async () => {
  const both = await library({ 'Movie.en.srt': srt([[0, 1000, 'Hi.']]), 'Movie.de.srt': srt([[0, 1000, 'Hallo.']]) });
  assert.equal((await run(input(both, { params: { sourceLanguageHint: 'deu' } }))).language, 'de');
  const englishOnly = await library({ 'Movie.srt': srt([[0, 1000, 'Where were you last night?']]) });
  const t = await run(input(englishOnly, { params: { sourceLanguageHint: 'deu' } }));
  assert.deepEqual([t.language, t.segments[0]!.text], [undefined, 'Where were you last night?']);
  const stream = join(await mkdtemp(join(root, 'x')), 'stream.srt');
  await writeFile(stream, srt([[0, 1000, 'Hi.']]));
  const fromStream = await run({ options: {}, params: { sourceLanguageHint: 'de' }, inputs: { subtitles: outputOf({ subtitles: stream }, { language: 'und' }) } });
  assert.equal('language' in fromStream, false, 'an und-tagged stream has no language');
});

test('an extracted subtitle stream is used without a media path', async () => {
  const file = join(await mkdtemp(join(root, 'x')), 'stream.vtt');
  await writeFile(file, 'WEBVTT\n\n00:01.000 --> 00:02.000\n<v Bob>Hi &amp; bye.\n');
  const t = await run({ options: {}, params: {}, inputs: { subtitles: outputOf({ subtitles: file }, { language: 'eng', format: 'vtt' }) } });
  assert.deepEqual([t.language, t.segments[0]!.text, t.segments[0]!.speaker, t.source.detail], ['en', 'Hi & bye.', 'Bob', 'extracted stream (vtt, utf-8)']);
  await rejects({ options: {}, params: { sourceLanguage: 'fr' }, inputs: { subtitles: outputOf({ subtitles: file }, { language: 'en' }) } },
    'E_NOT_APPLICABLE', /in 'en', not 'fr'/);
  await rejects({ options: {}, params: {}, inputs: { subtitles: outputOf({}, { language: 'en' }) } }, 'E_INVALID_ARGUMENT', /inputs\.source\.files\.media or inputs\.subtitles/);
});

test('no usable subtitles: E_NOT_APPLICABLE so the runtime falls back to ASR', async () => {
  await rejects(input(await library({})), 'E_NOT_APPLICABLE', /No usable English subtitles next to Movie\.mkv/);
  await rejects(input(await library({ 'Movie.en.forced.srt': EN })), 'E_NOT_APPLICABLE');
  await rejects(input(await library({ 'Movie.es.srt': EN })), 'E_NOT_APPLICABLE');
  await rejects(input(await library({ 'Movie.en.srt': srt([[0, 1000, '[music]'], [2000, 3000, '♪ ♪']]) })), 'E_NOT_APPLICABLE', /no dialogue left/);
  await rejects(input(await library({ 'Movie.en.srt': EN }), { options: { enabled: false } }), 'E_NOT_APPLICABLE', /disabled/);
  // Subtitles that cover a sliver of 30 s of speech are forced or partial, whatever their name.
  const media = await library({ 'Movie.en.srt': srt([[1000, 2000, 'Just a sign.']]) });
  const vad = outputOf({}, { durationMs: 40000, segments: [{ start: 0, end: 30000 }] });
  await rejects(input(media, { inputs: { source: outputOf({ media }), vad } }), 'E_NOT_APPLICABLE', /covers only 3% of the detected speech/);
});

test('dubarr\'s own sidecars beside the video are neither source text nor part of the cache key; the user\'s are both', async () => {
  const ours = { 'Movie.dubarr.en.srt': EN, 'Movie.dubarr.es.srt': srt([[1000, 2500, 'Hola.']]), 'Movie.dubarr.es.vtt': 'WEBVTT\n' };
  // Only ours, without a source language: the transcript (en) and the translation (es) are both there, neither is read.
  await rejects(input(await library(ours), { params: {} }), 'E_NOT_APPLICABLE', /No usable subtitles/);
  const keyOf = async (media: string) => def.externalInputs!({ options: {}, params: {}, inputs: { source: outputOf({ media }) } });
  const users = await library({ 'Movie.en.srt': EN });
  const withOurs = await library({ 'Movie.en.srt': EN, ...ours });
  assert.deepEqual(Object.keys(await keyOf(users)), ['Movie.en.srt']);
  assert.deepEqual(await keyOf(withOurs), await keyOf(users), 'our files add nothing to the key');
  assert.match((await run(input(withOurs, { params: {} }))).source.detail ?? '', /^sidecar Movie\.en\.srt /);
  const another = await library({ 'Movie.en.srt': EN, 'Movie.fr.srt': EN });
  assert.notDeepEqual(await keyOf(another), await keyOf(users), 'a user\'s file does');
});

test('bad job inputs are coded errors', async () => {
  await rejects(input(join(root, 'missing', 'Movie.mkv')), 'E_INPUT_NOT_FOUND');
  await rejects(input(undefined), 'E_INVALID_ARGUMENT');
  await rejects(input(await library({ 'Movie.en.srt': EN }), { params: { sourceLanguage: 'klingonish' } }), 'E_INVALID_ARGUMENT', /sourceLanguage/);
  await rejects(input(await video, { options: { preferSdh: 'yes' } }), 'E_INVALID_ARGUMENT');
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(runStageForTest(def, input(await library({ 'Movie.en.srt': EN })), { signal: ac.signal }),
    (e: unknown) => e instanceof DubarrError && e.code === 'E_CANCELLED');
});
