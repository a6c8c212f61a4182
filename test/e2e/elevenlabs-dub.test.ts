/**
 * ElevenLabs end to end through the real CLI, with the ElevenLabs contract server standing in
 * for the cloud: the dub-elevenlabs preset (the Dubbing API makes the Spanish audio through 425
 * Too Early; our mix and mux put it beside the original, the video stream copied), and the dub
 * preset with ElevenLabs voices speaking the lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { probeSync } from '../../native/lib/index.js';
import { startElevenLabsServer } from '../../plugins/elevenlabs/contract-server.testkit.js';
import { talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf, stepData } from './dub-harness.js';

const KEY = 'sk_e2e_abcdef0123456789abcdef0123456789';

function videoPackets(path: string): string {
  const lines = execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:v', '-c', 'copy', '-f', 'framemd5', '-']).toString();
  return createHash('sha256').update(lines.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').slice(4).join(',')).join('\n')).digest('hex');
}

test('dub-elevenlabs: the Dubbing API\'s audio becomes a Spanish track beside the original, the video copied, the key nowhere in the job', async () => {
  const server = await startElevenLabsServer({ apiKey: KEY, dubbingPolls: 1, tooEarly: 1 });
  const w = await dubWorkspace('elevenlabs');
  try {
    const video = await talkVideo({ dir: w.dir });
    const run = await w.dubWithEnv({
      DUBARR_PLUGINS_OPTIONS_ELEVENLABS__API_KEY: KEY,
      DUBARR_PLUGINS_OPTIONS_ELEVENLABS__BASE_URL: server.url,
      DUBARR_PLUGINS_OPTIONS_ELEVENLABS__POLL_SECONDS: '0',
    }, video.path, '--to', 'es', '--from', 'en', '--preset', 'dub-elevenlabs');
    assert.equal(run.code, 0, run.err);
    assert.equal(server.paidRequests('dubbing'), 1);
    assert.ok(server.requests.some((r) => r.path.endsWith('/audio/es')), 'the audio was downloaded');
    const mux = outputsOf(run.job).mux!.data as { video: string };
    assert.equal(mux.video, join(w.dir, 'talk - dub es.mp4'));
    const out = probeSync(mux.video);
    const audio = out.streams.filter((s) => s.type === 'audio');
    assert.equal(audio.length, 2, 'the original and the dub');
    assert.deepEqual(audio.map((s) => s.language), ['eng', 'spa']);
    assert.ok(Math.abs((audio[1]!.duration ?? 0) * 1000 - video.durationMs) < 300);
    assert.equal(videoPackets(mux.video), videoPackets(video.path), 'the video stream is copied');
    const jobText = JSON.stringify(run.job) + run.out + run.err + JSON.stringify(run.runs);
    assert.ok(!jobText.includes(KEY), 'the API key is in no job row, log or output');
  } finally {
    await server.close();
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('dub with ElevenLabs as the synthesizer: every line bought once, fitted and mixed by our steps; a second language pays only for its own lines', async () => {
  const server = await startElevenLabsServer({ apiKey: KEY });
  const w = await dubWorkspace('elevenlabs-voices');
  try {
    const video = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'Show' });
    const env = {
      DUBARR_PLUGINS_OPTIONS_ELEVENLABS__API_KEY: KEY,
      DUBARR_PLUGINS_OPTIONS_ELEVENLABS__BASE_URL: server.url,
      DUBARR_PROVIDERS_PREFERENCE_SYNTHESIZE: 'elevenlabs',
    };
    const run = await w.dubWithEnv(env, video.path, '--to', 'es');
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(run.runs.filter((r) => r.step === 'synthesize:es').map((r) => [r.provider, r.status]), [['elevenlabs', 'succeeded']]);
    type T = { segments: Array<{ target: string }> };
    const lines = (await stepData<T>(run, join(w.dir, 'data'), 'translate:es')).segments.filter((s) => s.target.trim());
    assert.equal(server.paidRequests('tts'), lines.length);
    assert.equal(server.billed.characters, lines.reduce((a, s) => a + [...s.target].length, 0));
    const out = probeSync(join(w.dir, 'Show - dub es.mp4'));
    assert.deepEqual(out.streams.filter((s) => s.type === 'audio').map((s) => s.language), ['eng', 'spa']);

    const both = await w.dubWithEnv(env, video.path, '--to', 'es,ca');
    assert.equal(both.code, 0, both.err);
    assert.deepEqual(both.runs.filter((r) => r.step === 'synthesize:es').map((r) => r.status), ['cached']);
    const ca = (await stepData<T>(both, join(w.dir, 'data'), 'translate:ca')).segments.filter((s) => s.target.trim());
    assert.equal(server.paidRequests('tts'), lines.length + ca.length, 'Spanish lines not bought again');
    assert.ok(!(JSON.stringify(both.job) + both.out + both.err).includes(KEY));
  } finally {
    await server.close();
    await rm(w.dir, { recursive: true, force: true });
  }
});
