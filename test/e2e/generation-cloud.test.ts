/**
 * The film and podcast presets with the cloud standing in for the local providers: the
 * ElevenLabs contract server speaks the characters, the Replicate contract server makes the
 * scene clips and the music bed. Each step is taken by the cloud plugin it was given to
 * (providers.preference), each thing is bought once, and the job's cost ledger prices them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../core/app/paths.js';
import { defaultConfig } from '../../core/config/schema.js';
import { CostLedger } from '../../core/jobs/cost-ledger.js';
import { openDatabase } from '../../core/jobs/database.js';
import { probeSync } from '../../native/lib/index.js';
import { startElevenLabsServer } from '../../plugins/elevenlabs/contract-server.testkit.js';
import { startReplicateServer } from '../../plugins/replicate/contract-server.testkit.js';
import { musicModel, videoModel } from '../../plugins/replicate/test-models.testkit.js';
import type { Script, Timeline } from '../../plugins/sdk/index.js';
import { dubWorkspace, stepData } from './dub-harness.js';

const ELEVEN_KEY = 'sk_gen_abcdef0123456789abcdef0123456789';
const SMALL = {
  DUBARR_PLUGINS_OPTIONS_FILM__WIDTH: '320', DUBARR_PLUGINS_OPTIONS_FILM__HEIGHT: '180',
  DUBARR_PLUGINS_OPTIONS_PODCAST__WIDTH: '320', DUBARR_PLUGINS_OPTIONS_PODCAST__HEIGHT: '180',
};

test('film and podcast with the cloud: ElevenLabs voices, Replicate clips and bed, each bought once, priced in the job\'s ledger, one playable MP4 each', async () => {
  const eleven = await startElevenLabsServer({ apiKey: ELEVEN_KEY });
  const replicate = await startReplicateServer({ models: [videoModel({ polls: 1, predictTime: 30 }), musicModel({ polls: 1, predictTime: 5 })] });
  const w = await dubWorkspace('generation-cloud');
  const env = {
    ...SMALL,
    DUBARR_PLUGINS_OPTIONS_ELEVENLABS__API_KEY: ELEVEN_KEY,
    DUBARR_PLUGINS_OPTIONS_ELEVENLABS__BASE_URL: eleven.url,
    DUBARR_PLUGINS_OPTIONS_REPLICATE__API_KEY: replicate.token,
    DUBARR_PLUGINS_OPTIONS_REPLICATE__BASE_URL: replicate.url,
    DUBARR_PLUGINS_OPTIONS_REPLICATE__POLL_INTERVAL_MS: '10',
    DUBARR_PLUGINS_OPTIONS_REPLICATE__WAIT_SECONDS: '1',
    DUBARR_PROVIDERS_PREFERENCE_SYNTHESIZE: 'elevenlabs',
    DUBARR_PROVIDERS_PREFERENCE_VIDEO: 'replicate,still-video',
    DUBARR_PROVIDERS_PREFERENCE_MUSIC: 'replicate,synth-bed',
  };
  try {
    const ledger = new CostLedger(openDatabase(join(w.dir, 'data', 'dubarr.db')), defaultConfig().budget);
    const film = join(w.dir, 'short-film.yaml');
    await copyFile(join(packageRoot, 'config', 'examples', 'film', 'short-film.yaml'), film);
    const run = await w.dubWithEnv(env, film, '--preset', 'film', '--to', 'en');
    assert.equal(run.code, 0, run.err);
    const provider = (step: string) => run.runs.find((r) => r.step === step && r.status === 'succeeded')?.provider;
    assert.deepEqual(['synthesize:en', 'video', 'music'].map(provider), ['elevenlabs', 'replicate', 'replicate']);
    const dataDir = join(w.dir, 'data');
    const script = await stepData<Script>(run, dataDir, 'script');
    const timeline = await stepData<Timeline>(run, dataDir, 'timeline');
    assert.equal(replicate.created, script.scenes.length + 1, 'a clip per scene and one bed');
    assert.equal(eleven.paidRequests('tts'), timeline.lines.length, 'a request per line');
    const p = probeSync(join(w.dir, 'short-film.mp4'));
    assert.deepEqual(p.streams.filter((s) => s.type === 'video').map((s) => [s.codec, s.width, s.height]), [['h264', 320, 180]]);
    assert.deepEqual(p.streams.filter((s) => s.type === 'audio').map((s) => [s.codec, s.language]), [['aac', 'eng']]);
    assert.ok(Math.abs(p.duration! * 1000 - timeline.durationMs) <= 40);
    const cost = ledger.forJobs([run.job.id]).get(run.job.id)!;
    assert.deepEqual([...new Set(cost.lines.map((l) => `${l.provider}:${l.unit}:${l.state}`))].sort(),
      ['elevenlabs:characters:settled', 'replicate:predictSeconds:settled']);
    // 3 clips × 30 s + a 5 s bed at $0.001 a second, and the lines' characters at $0.0003.
    const chars = eleven.billed.characters;
    assert.equal(Math.round(cost.totalUsd * 1e6), Math.round(((script.scenes.length * 30 + 5) * 0.001 + chars * 0.0003) * 1e6));

    // Run again: nothing is bought twice.
    const again = await w.dubWithEnv(env, film, '--preset', 'film', '--to', 'en');
    assert.equal(again.code, 0, again.err);
    assert.equal(replicate.created, script.scenes.length + 1);
    assert.equal(eleven.paidRequests('tts'), timeline.lines.length);

    const episode = join(w.dir, 'episode.yaml');
    await copyFile(join(packageRoot, 'config', 'examples', 'podcast', 'episode.yaml'), episode);
    const pod = await w.dubWithEnv(env, episode, '--preset', 'podcast', '--to', 'en');
    assert.equal(pod.code, 0, pod.err);
    assert.equal(pod.runs.find((r) => r.step === 'synthesize:en' && r.status === 'succeeded')?.provider, 'elevenlabs');
    const podLines = (await stepData<Timeline>(pod, dataDir, 'timeline')).lines.length;
    assert.equal(eleven.paidRequests('tts'), timeline.lines.length + podLines);
    const q = probeSync(join(w.dir, 'episode.mp4'));
    // Picture, voice and captions (the MP4's chapter list is a data stream beside them).
    assert.deepEqual(q.streams.map((s) => s.type).filter((t) => t !== 'data').sort(), ['audio', 'subtitle', 'video']);
    assert.ok(q.chapters.length > 0);
    const jobText = JSON.stringify([run.job, again.job, pod.job]) + run.err + pod.err;
    assert.ok(!jobText.includes(ELEVEN_KEY) && !jobText.includes(replicate.token), 'no key in a job row or output');
  } finally {
    await eleven.close();
    await replicate.close();
    await rm(w.dir, { recursive: true, force: true });
  }
});
