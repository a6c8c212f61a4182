/**
 * `npm run bench -- pocketsphinx`: real-time factor (wall time / audio duration) and word
 * error rate of pocketsphinx:transcribe on the generated 30 s talk track (espeak-ng klatt
 * voice), decoding the whole track vs only the VAD regions (ground-truth cues as the VAD),
 * with one and two decoder processes, over digital silence and over a -30 dBFS noise bed.
 * Then the 10-minute talk track of `npm run bench -- dub` (espeak-ng's default voice over the
 * noise bed), VAD regions decoded sequentially (one decoder) and in parallel (as many as the
 * machine has cores, the runtime's default share): RTF, and whether the transcript is as good.
 */
import { availableParallelism, loadavg } from 'node:os';
import { rm } from 'node:fs/promises';
import plugin from '../../plugins/pocketsphinx/index.js';
import { wordErrorRate } from '../../plugins/sdk/word-error-rate.js';
import type { SpeechSegments, Transcript } from '../../plugins/sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../../plugins/sdk/testing.js';
import { SENTENCES, speechWav, type SpeechFixture } from '../fixtures/speech.js';

const def = findStage(plugin, 'pocketsphinx:transcribe');

async function measure(f: SpeechFixture, vad: boolean, parallelism: number): Promise<{ rtf: number; wer: number }> {
  const speech: SpeechSegments = { durationMs: f.durationMs, segments: f.cues.map((c) => ({ start: c.start, end: c.end })) };
  const t0 = performance.now();
  const run = await runStageForTest<Transcript>(def, {
    options: {},
    inputs: { audio: outputOf({ audio: f.path }), ...(vad ? { vad: outputOf({}, speech) } : {}) },
  }, { parallelism });
  const wallMs = performance.now() - t0;
  await rm(run.workDir, { recursive: true, force: true });
  const text = run.result.data!.segments.map((s) => s.text).join(' ');
  return { rtf: wallMs / f.durationMs, wer: wordErrorRate(f.cues.map((c) => c.text).join(' '), text) };
}

export default async function bench(): Promise<void> {
  console.log(`${availableParallelism()} CPUs`);
  const figures: string[] = [];
  for (const [bed, backgroundDb] of [['silence', null], ['noise', -30]] as const) {
    // Six sentences with the fixture's gaps make a track of about 30 s.
    const f = await speechWav({ voice: 'en-us+klatt', backgroundDb, sentences: SENTENCES.slice(0, 6) });
    const speechMs = f.cues.reduce((n, c) => n + c.end - c.start, 0);
    console.log(`${bed}: ${(f.durationMs / 1000).toFixed(1)} s track, ${(speechMs / 1000).toFixed(1)} s of speech in ${f.cues.length} sentences`);
    for (const [name, vad, parallelism] of [['whole', false, 1], ['vad1', true, 1], ['vad2', true, 2]] as const) {
      const m = await measure(f, vad, parallelism);
      console.log(`  ${name.padEnd(6)} RTF ${m.rtf.toFixed(3)}  WER ${m.wer.toFixed(2)}`);
      figures.push(`${bed}_${name}_rtf=${m.rtf.toFixed(3)} ${bed}_${name}_wer=${m.wer.toFixed(2)}`);
    }
  }
  const talk = await speechWav({ long: true });
  const speechS = talk.cues.reduce((n, c) => n + c.end - c.start, 0) / 1000;
  console.log(`talk: ${(talk.durationMs / 1000).toFixed(0)} s track, ${speechS.toFixed(0)} s of speech in ${talk.cues.length} sentences; load average ${loadavg()[0]!.toFixed(2)}`);
  for (const parallelism of [1, availableParallelism()]) {
    const m = await measure(talk, true, parallelism);
    console.log(`  ${parallelism} decoder(s): RTF ${m.rtf.toFixed(3)}  WER ${m.wer.toFixed(4)}  (load average ${loadavg()[0]!.toFixed(2)})`);
    figures.push(`talk_p${parallelism}_rtf=${m.rtf.toFixed(3)} talk_p${parallelism}_wer=${m.wer.toFixed(4)}`);
  }
  console.log(`RESULT pocketsphinx ${figures.join(' ')}`);
}
