/**
 * `npm run bench -- pocketsphinx`: real-time factor (wall time / audio duration) and word
 * error rate of pocketsphinx:transcribe on the generated 30 s talk track (espeak-ng klatt
 * voice), decoding the whole track vs only the VAD regions (ground-truth cues as the VAD),
 * over digital silence and over a -30 dBFS noise bed.
 * Then the 10-minute talk track of `npm run bench -- dub` (espeak-ng's default voice over the
 * noise bed), VAD regions: as one chunk on one decoder (the baseline), and cut into the default
 * chunks on one decoder and on as many as the machine has cores (the runtime's default share
 * when nothing else runs). The chunks decide the transcript, so the last two must be the same
 * words, faster; the first says what cutting into chunks costs.
 */
import { availableParallelism, loadavg } from 'node:os';
import { rm } from 'node:fs/promises';
import plugin from '../../plugins/pocketsphinx/index.js';
import { wordErrorRate } from '../../plugins/sdk/word-error-rate.js';
import type { SpeechSegments, Transcript } from '../../plugins/sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../../plugins/sdk/testing.js';
import { SENTENCES, speechWav, type SpeechFixture } from '../fixtures/speech.js';

const def = findStage(plugin, 'pocketsphinx:transcribe');

async function measure(f: SpeechFixture, vad: boolean, parallelism: number, options: object = {}): Promise<{ rtf: number; wer: number; text: string; detail: string }> {
  const speech: SpeechSegments = { durationMs: f.durationMs, segments: f.cues.map((c) => ({ start: c.start, end: c.end })) };
  const t0 = performance.now();
  const run = await runStageForTest<Transcript>(def, {
    options,
    inputs: { audio: outputOf({ audio: f.path }), ...(vad ? { vad: outputOf({}, speech) } : {}) },
  }, { parallelism });
  const wallMs = performance.now() - t0;
  await rm(run.workDir, { recursive: true, force: true });
  const text = run.result.data!.segments.map((s) => s.text).join(' ');
  return { rtf: wallMs / f.durationMs, wer: wordErrorRate(f.cues.map((c) => c.text).join(' '), text), text, detail: run.result.data!.source.detail ?? '' };
}

export default async function bench(): Promise<void> {
  console.log(`${availableParallelism()} CPUs`);
  const figures: string[] = [];
  for (const [bed, backgroundDb] of [['silence', null], ['noise', -30]] as const) {
    // Six sentences with the fixture's gaps make a track of about 30 s.
    const f = await speechWav({ voice: 'en-us+klatt', backgroundDb, sentences: SENTENCES.slice(0, 6) });
    const speechMs = f.cues.reduce((n, c) => n + c.end - c.start, 0);
    console.log(`${bed}: ${(f.durationMs / 1000).toFixed(1)} s track, ${(speechMs / 1000).toFixed(1)} s of speech in ${f.cues.length} sentences`);
    for (const [name, vad] of [['whole', false], ['vad', true]] as const) {
      const m = await measure(f, vad, 1);
      console.log(`  ${name.padEnd(6)} RTF ${m.rtf.toFixed(3)}  WER ${m.wer.toFixed(2)}`);
      figures.push(`${bed}_${name}_rtf=${m.rtf.toFixed(3)} ${bed}_${name}_wer=${m.wer.toFixed(2)}`);
    }
  }
  const talk = await speechWav({ long: true });
  const speechS = talk.cues.reduce((n, c) => n + c.end - c.start, 0) / 1000;
  console.log(`talk: ${(talk.durationMs / 1000).toFixed(0)} s track, ${speechS.toFixed(0)} s of speech in ${talk.cues.length} sentences`);
  const cores = availableParallelism();
  const texts: string[] = [];
  for (const [key, name, parallelism, options] of [
    ['talk_whole', 'one chunk, 1 decoder', 1, { chunkSeconds: 3600 }],
    ['talk_chunks_p1', 'chunks, 1 decoder', 1, {}],
    [`talk_chunks_p${cores}`, `chunks, ${cores} decoders`, cores, {}],
  ] as const) {
    const m = await measure(talk, true, parallelism, options);
    texts.push(m.text);
    console.log(`  ${name.padEnd(22)} RTF ${m.rtf.toFixed(3)}  WER ${m.wer.toFixed(4)}  (${m.detail}; load average ${loadavg()[0]!.toFixed(2)})`);
    figures.push(`${key}_rtf=${m.rtf.toFixed(3)} ${key}_wer=${m.wer.toFixed(4)}`);
  }
  console.log(`  the chunked transcripts on 1 and ${cores} decoders are ${texts[1] === texts[2] ? 'the same' : 'DIFFERENT'}`);
  console.log(`RESULT pocketsphinx ${figures.join(' ')} talk_same_transcript=${texts[1] === texts[2]}`);
}
