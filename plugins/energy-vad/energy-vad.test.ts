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

const def = findStage(plugin, 'vad');
const scratch = mkdtemp(join(tmpdir(), 'dubarr-energy-test-'));
after(async () => rm(await scratch, { recursive: true, force: true }));

const audio = (path: string, options: object = {}) => ({ options, params: {}, inputs: { audio: outputOf({ audio: path }) } });
async function detect(path: string, options: object = {}) {
  return (await runStageForTest<SpeechSegments>(def, audio(path, options))).result.data!;
}

contractSuite({
  plugin,
  stage: 'vad',
  invalidOptions: { onDb: 4, offDb: 6 },
  validInput: async () => audio((await speechWav()).path),
  corruptInput: async () => {
    const path = join(await scratch, 'not-audio.wav');
    await writeFile(path, 'this is a text file, not a WAV');
    return audio(path);
  },
  corruptCode: 'E_MEDIA_UNREADABLE',
  // Ten minutes: far more than one progress report (the abort comes from inside the first).
  longInput: async () => audio((await speechWav({ long: true })).path),
});

for (const backgroundDb of [-30, -45, null]) {
  test(`every sentence is found with its onset within 250 ms, nothing in the silences (${backgroundDb === null ? 'no bed' : `bed ${backgroundDb} dB`})`, async () => {
    const f = await speechWav({ backgroundDb });
    const { segments, durationMs } = await detect(f.path);
    assert.equal(durationMs, f.durationMs);
    for (const { cue, errorMs } of onsetErrors(segments, f.cues)) {
      assert.ok(errorMs !== null && Math.abs(errorMs) <= 250, `"${cue.text}" at ${cue.start} ms: onset error ${errorMs}`);
    }
    assert.deepEqual(falseDetections(segments, f.cues), []);
    assert.deepEqual(silenceIntrusions(segments, f.silences), []);
  });
}

test('documented behaviour: a steady background alone is not speech; sounds that rise above it are', async () => {
  const bed = await speechWav({ speech: false });
  assert.deepEqual(await detect(bed.path), { durationMs: bed.durationMs, segments: [] });
  const beeps = join(await scratch, 'beeps.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=880:d=12:r=16000',
    '-f', 'lavfi', '-i', 'anoisesrc=d=12:c=pink:r=16000:a=0.03:seed=1', '-filter_complex',
    "[0]volume='if(lt(mod(t,4),1.5),0.3,0)':eval=frame[t];[t][1]amix=inputs=2:normalize=0", '-ac', '1', '-c:a', 'pcm_s16le', beeps]);
  const { segments } = await detect(beeps);
  assert.deepEqual(segments.map((s) => Math.round(s.start / 1000)), [0, 4, 8], 'each 1.5 s beep is reported as speech');
});

test('segments longer than maxSegmentMs are split, none overlapping; no probability is claimed', async () => {
  const f = await speechWav();
  const { segments } = await detect(f.path, { maxSegmentMs: 1500 });
  assert.ok(segments.length > f.cues.length, 'sentences over 1.5 s must be split');
  segments.forEach((s, i) => {
    assert.ok(s.end - s.start <= 1500, `${s.start}-${s.end} is longer than 1500 ms`);
    if (i > 0) assert.ok(s.start >= segments[i - 1]!.end);
    assert.equal(s.probability, undefined);
  });
});

test('any sample rate and channel count; bad inputs are coded errors', async () => {
  const dir = await scratch;
  const stereo44k = join(dir, 'stereo-44k.wav');
  const tone = Float32Array.from({ length: 44100 * 3 }, (_, i) => (i > 44100 && i < 88200 ? 0.3 * Math.sin(i / 10) : 0));
  await writeFile(stereo44k, encodeWav({ sampleRate: 44100, channels: [tone, tone] }));
  assert.deepEqual(await detect(stereo44k, { speechPadMs: 0 }), { durationMs: 3000, segments: [{ start: 990, end: 2010 }] });
  const code = (c: string) => (e: unknown) => e instanceof DubarrError && e.code === c;
  await assert.rejects(runStageForTest(def, { options: {}, inputs: {} }), code('E_INVALID_ARGUMENT'));
  await assert.rejects(runStageForTest(def, audio(stereo44k, { frameMs: 5 })), code('E_INVALID_ARGUMENT'));
  await assert.rejects(runStageForTest(def, audio(join(dir, 'missing.wav'))), code('E_INPUT_NOT_FOUND'));
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
  assert.ok(progress[0]! > 0 && progress[0]! < 0.1);
});
