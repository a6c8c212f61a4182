import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, UNMETERED, type SpeechSegments, type StageContext } from '../sdk/index.js';
import { findStage, loadStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { encodeWav } from '../sdk/wav.js';
import { speechWav } from '../../test/fixtures/speech.js';
import { falseDetections, onsetErrors, silenceIntrusions } from '../../test/fixtures/speech-checks.js';
import plugin from './index.js';
import { sessionsCreated } from './session.js';

const def = findStage(plugin, 'vad');
const scratch = mkdtemp(join(tmpdir(), 'dubarr-silero-test-'));
after(async () => rm(await scratch, { recursive: true, force: true }));

const audio = (path: string, options: object = {}) => ({ options, params: {}, inputs: { audio: outputOf({ audio: path }) } });
async function detect(path: string, options: object = {}) {
  const run = await runStageForTest<SpeechSegments>(def, audio(path, options));
  return { ...run.result.data!, logs: run.logs };
}

contractSuite({
  plugin,
  stage: 'vad',
  invalidOptions: { threshold: 1.5 },
  unavailableOptions: { modelPath: '/nonexistent/silero_vad.onnx' },
  validInput: async () => audio((await speechWav()).path),
  corruptInput: async () => {
    const path = join(await scratch, 'not-audio.wav');
    await writeFile(path, 'this is a text file, not a WAV');
    return audio(path);
  },
  corruptCode: 'E_MEDIA_UNREADABLE',
  longInput: async () => audio((await speechWav({ long: true })).path),
});

test('every sentence is found with its onset within 150 ms, and nothing in the silences', async () => {
  const f = await speechWav();
  const { segments, durationMs } = await detect(f.path);
  assert.equal(durationMs, f.durationMs);
  for (const { cue, errorMs } of onsetErrors(segments, f.cues)) {
    assert.ok(errorMs !== null && Math.abs(errorMs) <= 150, `"${cue.text}" at ${cue.start} ms: onset error ${errorMs}`);
  }
  assert.deepEqual(falseDetections(segments, f.cues), []);
  assert.deepEqual(silenceIntrusions(segments, f.silences), []);
  for (const s of segments) assert.ok(s.probability! > 0.8, `mean probability ${s.probability} for clear speech`);
});

test('no speech on the background bed alone, nor in beeps over it', async () => {
  assert.deepEqual((await detect((await speechWav({ speech: false })).path)).segments, []);
  const beeps = join(await scratch, 'beeps.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=880:d=12:r=16000',
    '-f', 'lavfi', '-i', 'anoisesrc=d=12:c=pink:r=16000:a=0.03:seed=1', '-filter_complex',
    "[0]volume='if(lt(mod(t,4),1.5),0.3,0)':eval=frame[t];[t][1]amix=inputs=2:normalize=0", '-ac', '1', '-c:a', 'pcm_s16le', beeps]);
  assert.deepEqual((await detect(beeps)).segments, []);
});

test('the ONNX session is loaded once per thread and reused by later jobs', async () => {
  const f = await speechWav();
  await detect(f.path);
  const created = sessionsCreated();
  const again = await detect(f.path);
  assert.equal(sessionsCreated(), created, 'a second job must not create a session');
  assert.equal((again.logs[0]!.obj as { loadMs: number }).loadMs, 0);
  await detect(f.path, { model: 'half' });
  assert.equal(sessionsCreated(), created + 1, 'another model is another session');
});

test('batched lanes find the same segments as one sequential pass (3-minute track)', async () => {
  const f = await speechWav({ durationMs: 180_000 });
  const sequential = await detect(f.path, { lanes: 1 });
  const batched = await detect(f.path, { lanes: 8 });
  assert.ok((batched.logs[0]!.obj as { lanes: number }).lanes > 1, 'the track must be long enough to use lanes');
  assert.equal(batched.segments.length, sequential.segments.length);
  batched.segments.forEach((b, i) => {
    const s = sequential.segments[i]!;
    assert.ok(Math.abs(b.start - s.start) <= 100 && Math.abs(b.end - s.end) <= 100, `${JSON.stringify(b)} vs ${JSON.stringify(s)}`);
  });
  assert.equal(batched.segments.length, f.cues.length);
});

test('segments longer than maxSegmentMs are split, none overlapping', async () => {
  const f = await speechWav();
  const { segments } = await detect(f.path, { maxSegmentMs: 1500 });
  assert.ok(segments.length > f.cues.length, 'sentences over 1.5 s must be split');
  segments.forEach((s, i) => {
    assert.ok(s.end - s.start <= 1500, `${s.start}-${s.end} is longer than 1500 ms`);
    if (i > 0) assert.ok(s.start >= segments[i - 1]!.end);
  });
});

test('bad inputs are coded errors; an empty track has no speech', async () => {
  const dir = await scratch;
  const at44k = join(dir, '44k.wav');
  await writeFile(at44k, encodeWav({ sampleRate: 44100, channels: [new Float32Array(44100)] }));
  const code = (c: string) => (e: unknown) => e instanceof DubarrError && e.code === c;
  await assert.rejects(runStageForTest(def, audio(at44k)), code('E_MEDIA_UNREADABLE'));
  await assert.rejects(runStageForTest(def, { options: {}, inputs: {} }), code('E_INVALID_ARGUMENT'));
  await assert.rejects(runStageForTest(def, audio(at44k, { threshold: 0.3, negThreshold: 0.4 })), code('E_INVALID_ARGUMENT'));
  const empty = join(dir, 'empty.wav');
  await writeFile(empty, encodeWav({ sampleRate: 16000, channels: [new Float32Array(0)] }));
  const { durationMs, segments } = await detect(empty);
  assert.deepEqual({ durationMs, segments }, { durationMs: 0, segments: [] });
});

test('cancellation is seen at the next chunk: no work after the abort', async () => {
  const f = await speechWav({ long: true });
  const run = await loadStage(def);
  const ac = new AbortController();
  const progress: number[] = [];
  const ctx: StageContext = {
    signal: ac.signal, cancelFlag: new Int32Array(new SharedArrayBuffer(4)), workDir: await scratch, parallelism: 1, cost: UNMETERED,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    progress: (fraction) => { progress.push(fraction); ac.abort(); },
  };
  await assert.rejects(run(audio(f.path), ctx), (e: unknown) => DubarrError.from(e).code === 'E_CANCELLED');
  assert.equal(progress.length, 1);
  assert.ok(progress[0]! > 0 && progress[0]! < 0.05);
});
