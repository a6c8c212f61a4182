/**
 * Cache keys follow engines: an upgrade re-runs exactly the stages whose engine changed, and
 * every other stage of the same job is still a cache hit. Real SQLite, the real stage cache,
 * the real addon, apertium and espeak-ng, on a generated talk video with English subtitles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { talkVideo } from '../../fixtures/speech.js';
import { finished, testRuntime } from './harness.js';

const APERTIUM = '/usr/share/apertium';

const pairs: PresetInput = {
  steps: [
    { id: 'extract', capability: 'extract', inputs: { source: 'source' } },
    { id: 'vad', capability: 'vad', provider: 'energy-vad', inputs: { audio: 'extract' } },
    { id: 'text', capability: 'source-text', provider: 'subtitles', inputs: { source: 'source', audio: 'extract', vad: 'vad' } },
    { id: 'units', capability: 'segment', inputs: { transcript: 'text', vad: 'vad' } },
    { id: 'translate', capability: 'translate', provider: 'apertium', inputs: { units: 'units' }, perTarget: true },
    { id: 'synthesize', capability: 'synthesize', provider: 'espeak-ng', inputs: { translation: 'translate' }, perTarget: true },
  ],
};

test('upgrading the Catalan pair re-translates Catalan only; every other stage is a cache hit', async () => {
  const video = await talkVideo({ srtSidecar: true });
  const t = await testRuntime({ pairs }, { jobs: { concurrency: 1 } });
  try {
    // A modes folder like a system's, whose Catalan mode runs a copy of the Catalan data we can upgrade.
    const apertium = join(t.dir, 'apertium');
    await cp(join(APERTIUM, 'apertium-eng-cat'), join(apertium, 'apertium-eng-cat'), { recursive: true, preserveTimestamps: true });
    await mkdir(join(apertium, 'modes'));
    const cat = await readFile(join(APERTIUM, 'modes', 'eng-cat.mode'), 'utf8');
    await writeFile(join(apertium, 'modes', 'eng-cat.mode'), cat.replaceAll(join(APERTIUM, 'apertium-eng-cat'), join(apertium, 'apertium-eng-cat')));
    await cp(join(APERTIUM, 'modes', 'eng-spa.mode'), join(apertium, 'modes', 'eng-spa.mode'));

    const run = async () => {
      const job = t.rt.scheduler.submit({
        input: video.path, preset: 'pairs', sourceLanguage: 'en', targetLanguages: ['es', 'ca'], origin: 'cli',
        options: { plugins: { apertium: { modesDir: join(apertium, 'modes') } } },
      });
      const done = await finished(t, job.id, 180_000);
      assert.equal(done.status, 'succeeded', done.error?.message);
      return Object.fromEntries(t.rt.store.stageRuns(job.id).map((r) => [r.step, r.status]));
    };
    const steps = ['extract', 'vad', 'text', 'units', 'translate:es', 'translate:ca', 'synthesize:es', 'synthesize:ca'];
    const all = (status: string) => Object.fromEntries(steps.map((s) => [s, status]));

    assert.deepEqual(await run(), all('succeeded'));
    assert.deepEqual(await run(), all('cached'), 'nothing changed: every fingerprint is stable');

    // The upgrade: apt replaces the pair's files, which gives them new modification times.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(apertium, 'apertium-eng-cat', 'eng-cat.autobil.bin'), later, later);
    assert.deepEqual(await run(), { ...all('cached'), 'translate:ca': 'succeeded' },
      'only the Catalan translation re-ran; its text came out the same, so Catalan speech stayed cached');
  } finally {
    await t.close();
  }
});
