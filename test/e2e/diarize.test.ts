/**
 * Diarization end to end through the real CLI: a two-voice talk video (an English SRT beside it,
 * so no ASR), the tiny diarization models installed in models.dir, `dubarr dub --to es`. Each
 * voice becomes a speaker, the units carry the speakers, espeak-ng speaks each with its own
 * voice; a second episode of the series, where the other voice speaks first, gives each voice
 * the same speaker and espeak-ng voice as the first episode. Without models the steps are skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { StageCache } from '../../core/jobs/stage-cache.js';
import type { Diarization, SynthesizedSegments, Transcript } from '../../plugins/sdk/artifacts.js';
import { HIGH_VOICE, installTinyDiarizeModels, LOW_VOICE } from '../../plugins/diarize/diarize.testkit.js';
import { SENTENCES, talkVideo, type TalkVideoFixture } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf, type DubRun } from './dub-harness.js';

async function stepData<T>(run: DubRun, dataDir: string, step: string): Promise<T> {
  const r = run.runs.filter((x) => x.step === step && (x.status === 'succeeded' || x.status === 'cached')).at(-1);
  assert.ok(r?.cacheKey, `no finished run of ${step}`);
  return (await new StageCache(join(dataDir, 'cache')).get(r.cacheKey))!.data as T;
}

/** Per cue of the video: the speaker of the unit that covers it, and the espeak-ng voice it got. */
async function voicesPerCue(run: DubRun, dataDir: string, video: TalkVideoFixture) {
  const units = (await stepData<Transcript>(run, dataDir, 'units')).segments;
  const spoken = (await stepData<SynthesizedSegments>(run, dataDir, 'synthesize:es')).segments;
  return video.cues.map((c) => {
    const unit = units.find((u) => u.start < c.end && u.end > c.start);
    return { speaker: unit?.speaker, voice: spoken.find((s) => s.id === unit?.id)?.voice };
  });
}

test('dub with diarization: one espeak-ng voice per speaker, and the same voice for a speaker in the next episode', async () => {
  const w = await dubWorkspace('diarize');
  try {
    const models = join(w.dir, 'models');
    await installTinyDiarizeModels(models);
    const env = { DUBARR_MODELS_DIR: models };
    const dataDir = join(w.dir, 'data');
    const season = join(w.dir, 'The Show', 'Season 1');
    const ep1 = await talkVideo({ dir: season, srtSidecar: true, name: 'The Show S01E01', speakers: [LOW_VOICE, HIGH_VOICE], backgroundDb: -50 });
    const ep2 = await talkVideo({
      dir: season, srtSidecar: true, name: 'The Show S01E02', speakers: [HIGH_VOICE, LOW_VOICE], backgroundDb: -50, sentences: [...SENTENCES].reverse(),
    });

    const run1 = await w.dubWithEnv(env, ep1.path, '--to', 'es');
    assert.equal(run1.code, 0, run1.err);
    for (const step of ['diarize', 'speakers']) assert.equal(run1.runs.find((r) => r.step === step)?.status, 'succeeded', step);
    const named = outputsOf(run1.job).speakers!.data as Diarization;
    assert.deepEqual(named.speakers.map((s) => s.id).sort(), ['S1', 'S2']);
    const v1 = await voicesPerCue(run1, dataDir, ep1);
    // Low voice S1 -> espeak-ng's first speaker variant, high voice S2 -> the second.
    assert.deepEqual(v1, ep1.cues.map((c) => (c.speaker === 0 ? { speaker: 'S1', voice: 'es+m1' } : { speaker: 'S2', voice: 'es+f2' })));

    // Episode 2: the high voice speaks first, yet keeps S2 and its voice.
    const run2 = await w.dubWithEnv(env, ep2.path, '--to', 'es');
    assert.equal(run2.code, 0, run2.err);
    const v2 = await voicesPerCue(run2, dataDir, ep2);
    assert.deepEqual(v2, ep2.cues.map((c) => (c.speaker === 0 ? { speaker: 'S2', voice: 'es+f2' } : { speaker: 'S1', voice: 'es+m1' })));
    assert.deepEqual((outputsOf(run2.job).speakers!.data as Diarization).library?.matched, 2);

    // Without the models (models.dir is the empty default): both steps are skipped, one voice speaks.
    const plain = await w.dub(ep1.path, '--to', 'es');
    assert.equal(plain.code, 0, plain.err);
    for (const step of ['diarize', 'speakers']) assert.deepEqual(plain.runs.filter((r) => r.step === step).map((r) => r.status), ['skipped'], step);
    const vp = await voicesPerCue(plain, dataDir, ep1);
    assert.deepEqual([...new Set(vp.map((v) => `${v.speaker}:${v.voice}`))], ['undefined:es']);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
