import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, type Diarization } from '../sdk/index.js';
import { setModelsDir } from '../sdk/models.js';
import { onnxSessionsCreated } from '../sdk/onnx-session.js';
import { findStage, runStageForTest } from '../sdk/testing.js';
import { diarizeInput, HIGH_VOICE, installTinyDiarizeModels, labelPerCue, LOW_VOICE, twoVoices } from './diarize.testkit.js';
import plugin from './index.js';

const def = findStage(plugin, 'diarize');
const scratch = await mkdtemp(join(tmpdir(), 'dubarr-diarize-test-'));
const models = join(scratch, 'models');
// The tiny models under the default ids: default options find them.
setModelsDir(models);
const installed = await installTinyDiarizeModels(models);
const sherpa = await installTinyDiarizeModels(models, 'sherpa');
after(() => rm(scratch, { recursive: true, force: true }));

async function diarize(input: Awaited<ReturnType<typeof diarizeInput>>) {
  const run = await runStageForTest<Diarization>(def, input);
  return { ...run.result.data!, logs: run.logs };
}

contractSuite({
  plugin,
  stage: 'diarize',
  invalidOptions: { threshold: 2 },
  unavailableOptions: { segmentationModel: '/nonexistent/segmentation-model' },
  validInput: async () => diarizeInput(await twoVoices()),
  corruptInput: async () => {
    const path = join(scratch, 'not-audio.wav');
    await writeFile(path, 'this is a text file, not a WAV');
    return { ...diarizeInput(await twoVoices()), inputs: { audio: { files: { audio: path }, data: null, hash: 'x' } } };
  },
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => diarizeInput(await twoVoices({ durationMs: 90_000 })),
});

test('two voices taking turns: two speakers, every sentence labelled with its voice, S1 the first to speak', async () => {
  const f = await twoVoices();
  const d = await diarize(diarizeInput(f));
  const labels = labelPerCue(f, d.segments);
  const want = f.cues.map((c) => (c.speaker === 0 ? 'S1' : 'S2'));
  assert.deepEqual(labels, want);
  assert.deepEqual(d.speakers.map((s) => s.id), ['S1', 'S2']);
  assert.equal(d.durationMs, f.durationMs);
  assert.match(d.embedder, /^wespeaker-resnet34-lm@[0-9a-f]{16}$/);
  for (const s of d.speakers) assert.equal(s.embedding!.length, 256);
});

test('turns lie on the sentences of their voice: >= 95 % of labelled time, >= 85 % of each voice\'s speech covered', async () => {
  const f = await twoVoices();
  const d = await diarize(diarizeInput(f));
  const voiceOf = (label: string) => (label === 'S1' ? 0 : 1);
  let labelled = 0;
  let right = 0;
  for (const s of d.segments) {
    labelled += s.end - s.start;
    for (const c of f.cues) if (c.speaker === voiceOf(s.speaker)) right += Math.max(0, Math.min(c.end, s.end) - Math.max(c.start, s.start));
  }
  assert.ok(right / labelled >= 0.95, `${right} of ${labelled} ms labelled with the voice that speaks`);
  for (const voice of [0, 1]) {
    const cues = f.cues.filter((c) => c.speaker === voice);
    const speech = cues.reduce((n, c) => n + c.end - c.start, 0);
    const covered = cues.reduce((n, c) => n + d.segments.filter((s) => voiceOf(s.speaker) === voice)
      .reduce((m, s) => m + Math.max(0, Math.min(c.end, s.end) - Math.max(c.start, s.start)), 0), 0);
    assert.ok(covered / speech >= 0.85, `voice ${voice}: ${covered} of ${speech} ms covered`);
  }
});

test('one voice is one speaker; numSpeakers: 1 makes two voices one', async () => {
  const one = await twoVoices({ voices: [HIGH_VOICE] });
  assert.deepEqual((await diarize(diarizeInput(one))).speakers.map((s) => s.id), ['S1']);
  const forced = await diarize(diarizeInput(await twoVoices(), { numSpeakers: 1 }));
  assert.deepEqual(forced.speakers.map((s) => s.id), ['S1']);
});

test('the VAD bounds it: no turn outside VAD speech; no speech, no speakers', async () => {
  const f = await twoVoices();
  const input = diarizeInput(f);
  const vad = (input.inputs!.vad!.data as { segments: Array<{ start: number; end: number }> }).segments;
  const d = await diarize(input);
  for (const s of d.segments) {
    assert.ok(vad.some((v) => s.start >= v.start - 40 && s.end <= v.end + 40), `turn ${s.start}-${s.end} outside the VAD's speech`);
  }
  const silent = await diarize({ ...input, inputs: { ...input.inputs, vad: { files: {}, data: { durationMs: f.durationMs, segments: [] }, hash: 'none' } } });
  assert.deepEqual({ speakers: silent.speakers, segments: silent.segments }, { speakers: [], segments: [] });
  // Speech everywhere too short for a voice embedding: nobody can be told apart, so no speakers.
  const brief = await diarize(diarizeInput(f, { minEmbeddingMs: 10_000 }));
  assert.deepEqual({ speakers: brief.speakers, segments: brief.segments }, { speakers: [], segments: [] });
});

test('sherpa-onnx exports (x -> y, x -> embedding, povey window, unit-scale samples) give the same speakers', async () => {
  const f = await twoVoices();
  const d = await diarize(diarizeInput(f, { segmentationModel: sherpa.segmentation, embeddingModel: sherpa.embedding }));
  assert.deepEqual(labelPerCue(f, d.segments), f.cues.map((c) => (c.speaker === 0 ? 'S1' : 'S2')));
  for (const s of d.speakers) assert.equal(s.embedding!.length, 192);
});

test('sessions are made once per thread and reused by the next file', async () => {
  const f = await twoVoices({ voices: [LOW_VOICE] });
  await diarize(diarizeInput(f));
  const made = onnxSessionsCreated();
  const again = await diarize(diarizeInput(f));
  assert.equal(onnxSessionsCreated(), made);
  const info = again.logs.find((l) => l.msg === 'diarize finished')!.obj as { loadMs: number; windows: number; sessionRunMs: number };
  assert.equal(info.loadMs, 0);
  assert.ok(info.windows > 0);
});

test('wrong or missing models are coded errors that say what to do', async () => {
  const f = await twoVoices({ voices: [LOW_VOICE] });
  const code = (c: string) => (e: unknown) => e instanceof DubarrError && e.code === c;
  await assert.rejects(diarize(diarizeInput(f, { segmentationModel: installed.embedding })), code('E_INVALID_ARGUMENT'));
  await assert.rejects(diarize(diarizeInput(f, { embeddingModel: 'no-such-model' })), code('E_MODEL_MISSING'));
  await assert.rejects(diarize(diarizeInput(f, { embeddingModel: sherpa.segmentation })), code('E_INVALID_ARGUMENT'));
  const a = await plugin.available!(plugin.options.parse({ segmentationModel: 'pyannote-x', embeddingModel: '/nowhere/emb' }));
  assert.equal(a.ok, false);
  assert.match(a.reason!, /dubarr models pull pyannote-x; \/nowhere\/emb is not an installed model folder/);
});
