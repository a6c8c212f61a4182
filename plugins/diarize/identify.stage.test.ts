import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SENTENCES, type SpeechFixture } from '../../test/fixtures/speech.js';
import { contractSuite } from '../sdk/contract.js';
import type { Diarization, StageInput } from '../sdk/index.js';
import { setModelsDir } from '../sdk/models.js';
import { setSpeakersDir } from '../sdk/speakers-dir.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { diarizeInput, HIGH_VOICE, installTinyDiarizeModels, labelPerCue, LOW_VOICE, twoVoices } from './diarize.testkit.js';
import plugin from './index.js';
import { episodeFileName, libraryFolder, seriesFolder } from './library.js';

const diarizeStage = findStage(plugin, 'diarize');
const identify = findStage(plugin, 'identify-speakers');
const scratch = await mkdtemp(join(tmpdir(), 'dubarr-identify-test-'));
after(() => rm(scratch, { recursive: true, force: true }));
setModelsDir(join(scratch, 'models'));
await installTinyDiarizeModels(join(scratch, 'models'));
const speakers = join(scratch, 'speakers');
setSpeakersDir(speakers);

const show = join(scratch, 'media', 'The Show');
const contractShow = join(scratch, 'media', 'Contract Show');
/** An episode file of a show (its bytes do not matter: identify-speakers reads only its path). */
async function episodePath(season: number, name: string, series = show): Promise<string> {
  const dir = join(series, `Season ${season}`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, '');
  return path;
}

async function diarized(f: SpeechFixture): Promise<Diarization> {
  return (await runStageForTest<Diarization>(diarizeStage, diarizeInput(f))).result.data!;
}

function identifyInput(d: Diarization, source: string, options: object = {}): StageInput {
  return { options, params: {}, inputs: { diarization: outputOf({}, d), source: outputOf({ media: source }, { path: source }) } };
}

async function name(d: Diarization, source: string, options: object = {}): Promise<Diarization> {
  return (await runStageForTest<Diarization>(identify, identifyInput(d, source, options))).result.data!;
}

const episode1 = () => twoVoices();
// Another episode: other sentences, and the high voice speaks first.
const episode2 = () => twoVoices({ voices: [HIGH_VOICE, LOW_VOICE], sentences: [...SENTENCES].reverse() });

contractSuite({
  plugin,
  stage: 'identify-speakers',
  invalidOptions: { libraryThreshold: 5 },
  unavailableOptions: { embeddingModel: '/nonexistent/embedding-model' },
  validInput: async () => {
    const source = await episodePath(1, 'contract.mkv', contractShow);
    await mkdir(libraryFolder(speakers, seriesFolder(source)), { recursive: true });
    return identifyInput(await diarized(await episode1()), source);
  },
  userDirs: () => [speakers],
  delivered: () => [join(libraryFolder(speakers, contractShow), episodeFileName(join(contractShow, 'Season 1', 'contract.mkv')))],
  corruptInput: async () => ({ ...identifyInput(await diarized(await episode1()), join(show, 'x.mkv')), inputs: { diarization: outputOf({}, { speakers: 'none' }) } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  noMidRun: 'it names a few speakers from small files in milliseconds',
});

test('two episodes of a series: the same voice keeps its id, whoever speaks first', async () => {
  const [f1, f2] = [await episode1(), await episode2()];
  const [d1, d2] = [await diarized(f1), await diarized(f2)];
  const [p1, p2] = [await episodePath(1, 'The Show S01E01.mkv'), await episodePath(1, 'The Show S01E02.mkv')];
  // Within each episode the first voice heard is S1: the low voice in episode 1, the high one in 2.
  assert.deepEqual(labelPerCue(f2, d2.segments), f2.cues.map((c) => (c.speaker === 0 ? 'S1' : 'S2')));

  const n1 = await name(d1, p1);
  const n2 = await name(d2, p2);
  const low = (f: SpeechFixture, n: Diarization) => new Set(labelPerCue(f, n.segments).filter((_, i) => f.cues[i]!.speaker === (f === f1 ? 0 : 1)));
  const high = (f: SpeechFixture, n: Diarization) => new Set(labelPerCue(f, n.segments).filter((_, i) => f.cues[i]!.speaker === (f === f1 ? 1 : 0)));
  assert.deepEqual([...low(f1, n1)], ['S1']);
  assert.deepEqual([...high(f1, n1)], ['S2']);
  assert.deepEqual([...low(f2, n2)], ['S1'], 'episode 2: the low voice is the S1 of episode 1');
  assert.deepEqual([...high(f2, n2)], ['S2']);
  assert.deepEqual(n2.speakers.map((s) => [s.id, s.known]).sort(), [['S1', true], ['S2', true]]);
  assert.deepEqual(n2.library, { series: show, matched: 2, added: 0 });
  assert.deepEqual(n1.library, { series: show, matched: 0, added: 2 });

  // One file per episode, in the series' library folder.
  const folder = libraryFolder(speakers, show);
  assert.deepEqual((await readdir(folder)).filter((f) => f.includes('S01E0')).sort(), [episodeFileName(p1), episodeFileName(p2)].sort());

  // Episode 1 again (say, a second target language): the same names, its file unchanged.
  const before = await readFile(join(folder, episodeFileName(p1)), 'utf8');
  const again = await name(d1, p1);
  assert.deepEqual(again.segments, n1.segments);
  assert.equal(await readFile(join(folder, episodeFileName(p1)), 'utf8'), before);
});

test('a new voice in a later episode gets the next free id; with the library off, ids stay per file', async () => {
  const series = await mkdtemp(join(scratch, 'media', 'other-'));
  const p1 = join(series, 'e1.mkv');
  const p2 = join(series, 'e2.mkv');
  await name(await diarized(await twoVoices({ voices: [LOW_VOICE] })), p1);
  const f2 = await episode2();
  const n2 = await name(await diarized(f2), p2);
  assert.deepEqual(labelPerCue(f2, n2.segments), f2.cues.map((c) => (c.speaker === 0 ? 'S2' : 'S1')), 'high voice new: S2; low voice known: S1');
  const off = await name(await diarized(f2), p2, { speakerLibrary: false });
  assert.deepEqual(labelPerCue(f2, off.segments), f2.cues.map((c) => (c.speaker === 0 ? 'S1' : 'S2')));
  assert.equal(off.library, undefined);
});

test('the cache key follows the library: another episode stored, or the library wiped, changes it', async () => {
  const series = await mkdtemp(join(scratch, 'media', 'keyed-'));
  const p1 = join(series, 'e1.mkv');
  const key = () => identify.externalInputs!(identifyInput({ durationMs: 0, embedder: 'x', speakers: [], segments: [] }, p1, {}));
  const empty = await key();
  assert.match(empty.speakerLibrary!, /e1\.mkv-[0-9a-f]{12}\.json:[0-9a-f]{32}$/);
  const d = await diarized(await episode1());
  await name(d, p1);
  const stored = await key();
  assert.notEqual(stored.speakerLibrary, empty.speakerLibrary, 'its own file now exists');
  await name(d, p1);
  assert.equal((await key()).speakerLibrary, stored.speakerLibrary, 'stable when nothing changed');
  await name(d, join(series, 'e2.mkv'));
  assert.notEqual((await key()).speakerLibrary, stored.speakerLibrary, 'another episode was stored');
  await rm(libraryFolder(speakers, series), { recursive: true });
  assert.equal((await key()).speakerLibrary, empty.speakerLibrary);
  assert.deepEqual(await identify.externalInputs!(identifyInput(d, p1, { speakerLibrary: false })), {});
});

test('a skipped diarize step leaves nothing to name: the step declines', async () => {
  const input = identifyInput({ durationMs: 0, embedder: 'x', speakers: [], segments: [] }, join(show, 'x.mkv'));
  await assert.rejects(runStageForTest(identify, { ...input, inputs: { ...input.inputs, diarization: outputOf({}, null) } }),
    (e: Error & { code?: string }) => e.code === 'E_NOT_APPLICABLE');
});
