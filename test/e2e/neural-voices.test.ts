/**
 * A dub through the real CLI with a Piper voice installed in models.dir and piper preferred for
 * synthesis: the provider is picked, and the timing fit and the mix take its clips as they take
 * espeak-ng's. The voice is a tiny test model whose speech is a 500 Hz tone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeToWavSync, probeSync } from '../../native/lib/index.js';
import { installTinyVoice } from '../../plugins/piper/tiny-voices.testkit.js';
import { readWav } from '../../plugins/sdk/wav.js';
import { talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf, stepData } from './dub-harness.js';

/** Power of one frequency over a stretch of samples (Goertzel), per sample. */
function toneLevel(x: Float32Array, rate: number, hz: number, from: number, to: number): number {
  const w = (2 * Math.PI * hz) / rate;
  let s1 = 0, s2 = 0;
  for (let i = from; i < to; i++) {
    const s = x[i]! + 2 * Math.cos(w) * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2) / ((to - from) ** 2);
}

test('dub --to es with piper preferred and a Spanish Piper voice installed: piper speaks, fit and mix place its clips', async () => {
  const w = await dubWorkspace('piper');
  try {
    await installTinyVoice(join(w.dir, 'data', 'models'), { id: 'piper-es-es-tiny-medium', locale: 'es_ES', name: 'tiny', espeak: 'es' });
    await appendFile(join(w.dir, 'dubarr.yaml'), [
      'providers:',
      '  preference:',
      '    vad: [silero-vad, energy-vad]',
      '    source-text: [subtitles, pocketsphinx]',
      '    transcribe: [pocketsphinx]',
      '    translate: [apertium]',
      '    synthesize: [piper, espeak-ng]',
      '',
    ].join('\n'));
    const video = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'Show' });
    const run = await w.dub(video.path, '--to', 'es');
    assert.equal(run.code, 0, run.err);
    const synth = run.runs.find((r) => r.step === 'synthesize:es' && r.status === 'succeeded');
    assert.equal(synth?.provider, 'piper');
    for (const step of ['fit:es', 'mix:es']) assert.ok(run.runs.some((r) => r.step === step && r.status === 'succeeded'), step);

    const speech = await stepData<{ provider: string; segments: Array<{ voice: string }> }>(run, join(w.dir, 'data'), 'synthesize:es');
    assert.equal(speech.provider, 'piper');
    assert.ok(speech.segments.length > 0 && speech.segments.every((s) => s.voice === 'piper-es-es-tiny-medium'));
    const plan = await stepData<{ units: Array<{ placedStart: number; placedEnd: number }> }>(run, join(w.dir, 'data'), 'fit:es');

    // The Spanish track carries the voice's 500 Hz where the fit placed each unit; the original does not.
    const mux = outputsOf(run.job).mux!.data as { video: string };
    assert.deepEqual(probeSync(mux.video).streams.filter((s) => s.type === 'audio').map((s) => s.language), ['eng', 'spa']);
    const level = async (language: string) => {
      const wav = join(w.dir, `${language}.wav`);
      decodeToWavSync(mux.video, wav, { language, sampleRate: 16000, channels: 'mono' });
      const x = (await readWav(wav)).channels[0]!;
      return plan.units.map((u) => toneLevel(x, 16000, 500, Math.round(u.placedStart * 16), Math.round(u.placedEnd * 16)));
    };
    const [spa, eng] = [await level('spa'), await level('eng')];
    spa.forEach((s, i) => assert.ok(s > eng[i]! * 100, `unit ${i}: 500 Hz at ${s.toExponential(2)} in the dub vs ${eng[i]!.toExponential(2)} in the original`));
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
