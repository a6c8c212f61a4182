import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config/load.js';
import type { Job } from '../jobs/store.js';
import { jobOptions } from './job-options.js';
import { BUILTIN_PRESETS, PresetRegistry } from './presets.js';

test('pipeline.subtitleFormats chooses the files of every subtitles step of the dub preset, the source language\'s included, and the mux delivers them', () => {
  const config = loadConfig({ env: { DUBARR_PIPELINE_SUBTITLE_FORMATS: 'vtt,ass' }, cwd: '/' });
  const job = {
    id: 'j', input: '/media/Film.mkv', preset: 'dub', targetLanguages: ['es', 'ca'], options: jobOptions(config.pipeline),
  } as Pick<Job, 'id' | 'input' | 'preset' | 'targetLanguages' | 'options'> as Job;
  const plan = new PresetRegistry(BUILTIN_PRESETS).plan(job);
  const readers = plan.steps.filter((s) => s.capability === 'subtitle' || s.capability === 'mux');
  assert.deepEqual(readers.map((s) => [s.id, s.params.subtitleFormats]), [
    ['subtitles:es', ['vtt', 'ass']], ['subtitles:ca', ['vtt', 'ass']], ['source-subtitles', ['vtt', 'ass']], ['mux', ['vtt', 'ass']],
  ]);
});

test('the dub preset separates the voice once, optionally, for every target\'s mix', () => {
  const config = loadConfig({ env: {}, cwd: '/' });
  const job = {
    id: 'j', input: '/media/Film.mkv', preset: 'dub', targetLanguages: ['es', 'ca'], options: jobOptions(config.pipeline),
  } as Pick<Job, 'id' | 'input' | 'preset' | 'targetLanguages' | 'options'> as Job;
  const plan = new PresetRegistry(BUILTIN_PRESETS).plan(job);
  const separate = plan.steps.find((s) => s.id === 'separate')!;
  assert.deepEqual([separate.capability, separate.optional, separate.inputs], ['separate', true, { source: 'source', extract: 'extract' }]);
  for (const id of ['mix:es', 'mix:ca']) assert.equal(plan.steps.find((s) => s.id === id)!.inputs.separated, 'separate');
});

test('a preset step names a model by id through plugin options; every per-target copy keeps them, and a job\'s own overrides win', async () => {
  const { stepOverrides } = await import('./job-runner.js');
  const config = loadConfig({ env: {}, cwd: '/' });
  const presets = new PresetRegistry(BUILTIN_PRESETS, {}, {
    'dub-small': {
      steps: [
        { id: 'extract', capability: 'extract', inputs: { source: 'source' } },
        { id: 'text', capability: 'transcribe', inputs: { audio: 'extract' }, options: { whisper: { model: 'whisper-small' } } },
        { id: 'translate', capability: 'translate', inputs: { transcript: 'text' }, perTarget: true, options: { marian: { beams: 4 } } },
      ],
    },
  });
  const job = {
    id: 'j', input: '/media/Film.mkv', preset: 'dub-small', targetLanguages: ['es', 'ca'],
    options: { ...jobOptions(config.pipeline), plugins: { marian: { beams: 2 } } },
  } as Pick<Job, 'id' | 'input' | 'preset' | 'targetLanguages' | 'options'> as Job;
  const plan = presets.plan(job);
  const step = (id: string) => plan.steps.find((s) => s.id === id)!;
  assert.deepEqual(step('text').options, { whisper: { model: 'whisper-small' } });
  assert.equal(step('extract').options, undefined);
  for (const id of ['translate:es', 'translate:ca']) assert.deepEqual(step(id).options, { marian: { beams: 4 } });
  assert.deepEqual(stepOverrides(job, step('text'), 'whisper'), { model: 'whisper-small' });
  assert.deepEqual(stepOverrides(job, step('translate:es'), 'marian'), { beams: 2 }, 'the job\'s override wins over the preset\'s');
  assert.equal(stepOverrides(job, step('extract'), 'whisper'), undefined);
});
