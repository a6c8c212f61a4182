import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { contractSuite } from '../sdk/contract.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { readWav } from '../sdk/wav.js';
import type { GeneratedMusic, MusicPlan } from '../sdk/index.js';
import plugin from './index.js';
import { integratedLoudness } from './music.stage.js';

const inputOf = (p: unknown, options: object = {}) => ({ options, inputs: { plan: outputOf({}, p) } });
const plan = (durationMs: number, loudnessLufs: number, prompt = 'calm pad'): MusicPlan => ({ prompt, durationMs, loudnessLufs });

contractSuite({
  plugin,
  stage: 'synth-bed:music',
  invalidOptions: { sound: 'orchestra' },
  unavailableOptions: { ffmpeg: '/nonexistent/ffmpeg' },
  validInput: async () => inputOf(plan(3000, -30)),
  corruptInput: async () => inputOf({ prompt: 3 }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => inputOf(plan(20_000, -30)),
});

test('the pad lasts exactly the planned length, 48 kHz stereo, at the planned integrated loudness', async () => {
  for (const lufs of [-24, -36]) {
    const run = await runStageForTest<GeneratedMusic>(findStage(plugin, 'music'), inputOf(plan(9_500, lufs)));
    try {
      assert.deepEqual(run.result.data, { durationMs: 9_500, made: 'synthesized' });
      const wav = await readWav(run.result.files!.music!);
      assert.deepEqual([wav.sampleRate, wav.channels.length, wav.channels[0]!.length], [48_000, 2, 456_000]);
      const measured = await integratedLoudness('ffmpeg', run.result.files!.music!, new AbortController().signal);
      assert.ok(Math.abs(measured - lufs) <= 0.5, `${measured} LUFS, asked ${lufs}`);
    } finally {
      await rm(run.workDir, { recursive: true, force: true });
    }
  }
});

test('silence when the plan asks for none (no prompt, -70 LUFS) or the sound option says so', async () => {
  for (const [p, options] of [[plan(2000, -30, ''), {}], [plan(2000, -70), {}], [plan(2000, -30), { sound: 'silence' }]] as const) {
    const run = await runStageForTest<GeneratedMusic>(findStage(plugin, 'music'), inputOf(p, options));
    try {
      assert.equal(run.result.data!.made, 'silence');
      const wav = await readWav(run.result.files!.music!);
      assert.equal(wav.channels[0]!.length, 96_000);
      assert.ok(wav.channels.every((c) => c.every((x) => x === 0)));
    } finally {
      await rm(run.workDir, { recursive: true, force: true });
    }
  }
});
