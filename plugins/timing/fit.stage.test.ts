import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractSuite } from '../sdk/contract.js';
import { FitPlan, type SynthesizedSegments } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { readWav, readWavInfo, writeWav } from '../sdk/wav.js';
import { clipDurationMs, dubClip, dubSpeech, SPANISH, type DubSpeech } from '../../test/fixtures/dub-speech.js';
import { randomBytesFile } from '../../test/fixtures/media.js';
import plugin from './index.js';

const def = findStage(plugin, 'timing:fit');
const GAP = 80;

const inputOf = (speech: DubSpeech, options: object = {}, mediaEndMs?: number) => ({
  options,
  inputs: {
    speech: outputOf(speech.files, speech.data),
    ...(mediaEndMs === undefined ? {} : { extract: outputOf({}, { durationMs: mediaEndMs }) }),
  },
});

async function fit(speech: DubSpeech, options: object = {}, mediaEndMs?: number) {
  const run = await runStageForTest<FitPlan>(def, inputOf(speech, options, mediaEndMs));
  return { ...run, plan: FitPlan.parse(run.result.data), files: run.result.files ?? {} };
}

/** Slots for SPANISH[0] and SPANISH[5]: the first `ratio` x its clip's length (plus the gap) long. */
async function twoUnits(ratio: number): Promise<{ speech: DubSpeech; natural: number; nextStart: number }> {
  const natural = await clipDurationMs(await dubClip(SPANISH[0]!));
  const nextStart = 1000 + Math.round(natural * ratio) + GAP;
  const speech = await dubSpeech([
    { id: 'tight', start: 1000, end: nextStart - 200, text: SPANISH[0]! },
    { id: 'next', start: nextStart, end: nextStart + 4000, text: SPANISH[5]! },
  ]);
  return { speech, natural, nextStart };
}

function assertNoOverlap(plan: FitPlan): void {
  for (let i = 0; i + 1 < plan.units.length; i++) {
    const [a, b] = [plan.units[i]!, plan.units[i + 1]!];
    assert.ok(a.placedEnd <= b.placedStart - GAP, `${a.id} ends at ${a.placedEnd}, ${b.id} starts at ${b.placedStart}`);
  }
}

contractSuite({
  plugin,
  stage: 'timing:fit',
  invalidOptions: { maxFactor: 0.5 },
  validInput: async () => inputOf((await twoUnits(1 / 1.15)).speech),
  corruptInput: async () => {
    const bad: DubSpeech = { files: { a: await randomBytesFile() }, data: { language: 'es', provider: 't', segments: [{ id: 'a', start: 0, end: 1000, file: 'a', durationMs: 900, rate: 1 }] } };
    return inputOf(bad);
  },
  corruptCode: 'E_MEDIA_UNREADABLE',
  // 300 back-to-back units that each need a 1.15x stretch: tens of seconds of work.
  longInput: async () => {
    const clip = await dubClip(SPANISH[1]!);
    const slot = Math.round((await clipDurationMs(clip)) / 1.15);
    const segments: SynthesizedSegments['segments'] = Array.from({ length: 300 }, (_, i) => ({
      id: `l${i}`, start: i * slot, end: (i + 1) * slot, file: 'clip', durationMs: slot, rate: 1,
    }));
    return inputOf({ files: { clip }, data: { language: 'es', provider: 't', segments } }, { minGapMs: 0 });
  },
  async check(run) {
    const plan = FitPlan.parse(run.result.data);
    assert.deepEqual(Object.keys(run.result.files ?? {}).sort(), ['next', 'tight']);
    assert.equal(run.progress.at(-1)?.fraction, 1);
    assert.equal(plan.summary.units, 2);
  },
});

test('a unit too long for its slot is stretched just enough (≤ maxFactor), starts at its source start, never overlaps the next', async () => {
  const { speech, natural, nextStart } = await twoUnits(1 / 1.15);
  const { plan, files, workDir } = await fit(speech);
  try {
    const [tight, next] = plan.units;
    assert.ok(tight!.factor > 1.1 && tight!.factor <= 1.25, `factor ${tight!.factor}`);
    assert.equal(tight!.placedStart, 1000);
    assert.equal(next!.placedStart, nextStart);
    assert.equal(tight!.trimmedMs, 0);
    assert.equal(tight!.sourceDurationMs, natural);
    assert.ok(Math.abs(tight!.durationMs - natural / tight!.factor) <= 25, `${tight!.durationMs} ms vs ${natural} / ${tight!.factor}`);
    assertNoOverlap(plan);
    for (const u of plan.units) {
      const info = await readWavInfo(files[u.file]!);
      assert.equal(info.durationMs, u.durationMs, `${u.id}: the plan records the measured length`);
      assert.equal(u.placedEnd, u.placedStart + u.durationMs);
      assert.equal(info.sampleRate, plan.sampleRate);
    }
    assert.equal(next!.factor >= 1 && next!.factor <= tight!.factor, true, 'smoothing never slows a neighbour below 1 or above the stretched unit');
    assert.equal(plan.summary.stretched >= 1, true);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});

test('a unit that cannot fit even at maxFactor is cut with a fade before the next unit', async () => {
  const { speech, nextStart } = await twoUnits(1 / 1.6);
  const { plan, files, workDir, logs } = await fit(speech);
  try {
    const tight = plan.units[0]!;
    assert.equal(tight.factor, 1.25);
    assert.ok(tight.overflowMs > 0 && tight.trimmedMs > 0, `overflow ${tight.overflowMs}, trimmed ${tight.trimmedMs}`);
    assert.ok(tight.placedEnd <= nextStart - GAP && tight.placedEnd >= nextStart - GAP - 2, `${tight.placedEnd} vs slot end ${nextStart - GAP}`);
    assertNoOverlap(plan);
    const x = (await readWav(files.tight!)).channels[0]!;
    const tail = x.subarray(x.length - 20);
    assert.ok(Math.max(...tail.map(Math.abs)) < 0.01, 'the cut fades to silence');
    assert.equal(plan.summary.trimmed, 1);
    assert.ok(logs.some((l) => l.level === 'warn'));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});

test('the last unit may not run past the end of the media', async () => {
  const natural = await clipDurationMs(await dubClip(SPANISH[2]!));
  const speech = await dubSpeech([{ id: 'last', start: 5000, end: 5000 + natural, text: SPANISH[2]! }]);
  const end = 5000 + Math.round(natural / 1.1);
  const { plan, workDir } = await fit(speech, {}, end);
  try {
    const u = plan.units[0]!;
    assert.ok(u.factor > 1 && u.placedEnd <= end, `factor ${u.factor}, ends ${u.placedEnd} (media ends ${end})`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});

test('units that fit are left as they are; clips at another rate or in stereo are converted to the plan rate', async () => {
  const clip = await dubClip(SPANISH[5]!);
  const pcm = await readWav(clip);
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-fit-test-'));
  const stereo = join(dir, 'stereo-44k.wav');
  const up = new Float32Array(pcm.channels[0]!.length * 2);
  for (let i = 0; i < up.length; i++) up[i] = pcm.channels[0]![i >> 1]!; // crude 2x: enough for a format test
  await writeWav(stereo, { sampleRate: 44_100, channels: [up, up] });
  const speech: DubSpeech = {
    files: { a: clip, b: stereo },
    data: { language: 'es', provider: 't', segments: [
      { id: 'a', start: 0, end: 10_000, file: 'a', durationMs: 1, rate: 1 },
      { id: 'b', start: 20_000, end: 30_000, file: 'b', durationMs: 1, rate: 1 },
    ] },
  };
  const { plan, files, workDir } = await fit(speech);
  try {
    assert.equal(plan.sampleRate, 22_050);
    const a = await readWav(files.a!);
    assert.deepEqual([plan.units[0]!.factor, a.channels[0]!.length], [1, pcm.channels[0]!.length]);
    assert.ok(a.channels[0]!.every((v, i) => Math.abs(v - pcm.channels[0]![i]!) < 1e-4), 'copied, not re-encoded');
    const b = await readWavInfo(files.b!);
    assert.deepEqual([b.sampleRate, b.channels], [22_050, 1]);
    assert.ok(Math.abs(plan.units[1]!.durationMs - plan.units[0]!.durationMs) <= 2, 'the same speech, the same length');
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
});

for (const stretcher of ['rubberband', 'atempo'] as const) {
  test(`${stretcher}: the stretch keeps the pitch and shortens by the factor`, async () => {
    const rate = 22_050;
    const tone = new Float32Array(rate * 2).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 220 * i) / rate));
    const dir = await mkdtemp(join(tmpdir(), 'dubarr-fit-test-'));
    const file = join(dir, 'tone.wav');
    await writeWav(file, { sampleRate: rate, channels: [tone] });
    const speech: DubSpeech = { files: { t: file }, data: { language: 'es', provider: 't', segments: [
      { id: 't', start: 0, end: 1500, file: 't', durationMs: 2000, rate: 1 },
      { id: 'n', start: 1700, end: 2000, file: 't', durationMs: 2000, rate: 1 },
    ] } };
    const { plan, files, workDir } = await fit(speech, { stretcher, maxStep: 1 });
    try {
      const u = plan.units[0]!;
      assert.equal(plan.stretcher, stretcher);
      assert.ok(u.factor > 1.15 && u.factor <= 1.25, `factor ${u.factor}`);
      const x = (await readWav(files.t!)).channels[0]!;
      const mid = x.subarray(Math.round(x.length * 0.2), Math.round(x.length * 0.8));
      let crossings = 0;
      for (let i = 1; i < mid.length; i++) if ((mid[i - 1]! < 0) !== (mid[i]! < 0)) crossings++;
      const hz = (crossings / 2) * (rate / mid.length);
      assert.ok(Math.abs(hz - 220) < 220 * 0.02, `${hz.toFixed(1)} Hz after stretching a 220 Hz tone`);
      assert.ok(Math.abs(u.durationMs - Math.min(2000 / u.factor, 1620)) <= 30, `${u.durationMs} ms`);
    } finally {
      await rm(workDir, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  });
}
