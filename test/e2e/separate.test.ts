/**
 * mix.background: separate through the real `dubarr dub` CLI, with a tiny separation model
 * installed in models.dir under the default id: the separate step runs once and the dub is laid
 * over what it leaves; with background: duck, or without a model, the step is skipped and the
 * mix ducks as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeToWavSync } from '../../native/lib/index.js';
import { StageCache } from '../../core/jobs/stage-cache.js';
import { readWav } from '../../plugins/sdk/wav.js';
import { DEFAULT_SEPARATION_MODEL } from '../../plugins/separate/options.js';
import { tinySeparationModels } from '../fixtures/separation.js';
import { talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf, type DubRun } from './dub-harness.js';

/** RMS in dBFS of the Spanish track between two times, mono 16 kHz. */
async function levelDb(path: string, fromMs: number, toMs: number, dir: string): Promise<number> {
  const wav = join(dir, 'level.wav');
  decodeToWavSync(path, wav, { language: 'spa', sampleRate: 16000, channels: 'mono' });
  const x = (await readWav(wav)).channels[0]!.subarray(fromMs * 16, toMs * 16);
  let s = 0;
  for (const v of x) s += v * v;
  return 10 * Math.log10(s / x.length + 1e-12);
}

const stepRun = (run: DubRun, step: string) => run.runs.filter((r) => r.step === step).at(-1);
/** The mix's document, from the stage cache through its run's key. */
async function mixOf(run: DubRun, dataDir: string): Promise<{ background?: string }> {
  const r = run.runs.filter((x) => x.step === 'mix:es' && (x.status === 'succeeded' || x.status === 'cached')).at(-1);
  assert.ok(r?.cacheKey, 'no finished mix');
  return (await new StageCache(join(dataDir, 'cache')).get(r.cacheKey))!.data as { background?: string };
}

test('dub with mix.background: separate and a separation model: the voice is removed, not ducked; duck or no model skips the step', async () => {
  const w = await dubWorkspace('separate');
  const models = await tinySeparationModels(DEFAULT_SEPARATION_MODEL);
  const empty = await mkdtemp(join(w.dir, 'no-models-'));
  const base = await readFile(join(w.dir, 'dubarr.yaml'), 'utf8');
  const configure = (modelsDir: string, background: 'duck' | 'separate') =>
    writeFile(join(w.dir, 'dubarr.yaml'), `${base}models: { dir: ${modelsDir} }\nplugins: { options: { mix: { background: ${background} } } }\n`);
  try {
    const video = await talkVideo({ dir: w.dir });
    // Before the first line, where no dub plays: only what the mix lays the dub over sounds.
    const gap = { from: 50, to: video.cues[0]!.start - 100 };
    assert.ok(gap.to - gap.from >= 300, `the fixture's first line starts at ${video.cues[0]!.start} ms`);

    await configure(models.root, 'separate');
    const separated = await w.dub(video.path, '--to', 'es');
    assert.equal(separated.code, 0, separated.err);
    assert.deepEqual([stepRun(separated, 'separate')?.status, stepRun(separated, 'separate')?.provider], ['succeeded', 'separate']);
    assert.equal((await mixOf(separated, join(w.dir, 'data'))).background, 'separated');
    const mux = outputsOf(separated.job).mux!.data as { video: string };
    // The identity model calls everything voice: with it removed, the gap is silent.
    const separatedGap = await levelDb(mux.video, gap.from, gap.to, w.dir);
    assert.ok(separatedGap < -80, `the original still sounds in the gap: ${separatedGap.toFixed(1)} dBFS`);

    await configure(models.root, 'duck');
    const ducked = await w.dub(video.path, '--to', 'es');
    assert.equal(ducked.code, 0, ducked.err);
    assert.equal(stepRun(ducked, 'separate')?.status, 'skipped');
    assert.match(stepRun(ducked, 'separate')!.error!.message, /mix:es does not read it/);
    assert.equal((await mixOf(ducked, join(w.dir, 'data'))).background, 'ducked');
    const duckedGap = await levelDb((outputsOf(ducked.job).mux!.data as { video: string }).video, gap.from, gap.to, w.dir);
    assert.ok(duckedGap > -60, `the ducked original is heard in the gap: ${duckedGap.toFixed(1)} dBFS`);

    await configure(empty, 'separate');
    const noModel = await w.dub(video.path, '--to', 'es');
    assert.equal(noModel.code, 0, noModel.err);
    assert.equal(stepRun(noModel, 'separate')?.status, 'skipped');
    assert.match(stepRun(noModel, 'separate')!.error!.message, /dubarr models pull mdx-net-voc-ft/);
    assert.equal((await mixOf(noModel, join(w.dir, 'data'))).background, 'ducked');
  } finally {
    await rm(w.dir, { recursive: true, force: true });
    await rm(models.root, { recursive: true, force: true });
  }
});
