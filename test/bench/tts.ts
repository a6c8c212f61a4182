/**
 * `npm run bench -- tts`: the neural voices (piper, kokoro) on their tiny models, 40 lines a
 * round: where the time goes (inside session.run, espeak-ng making phonemes, the rest of our
 * code: ids, runs, WAV writing). The tiny models make session.run nearly free, so "ours" is
 * what our code costs per unit, to be set against a real voice's session time (not measured
 * here: no real weights on this machine).
 */
import { benchKokoro } from '../../plugins/kokoro/bench.js';
import { benchPiper } from '../../plugins/piper/bench.js';
import type { SynthesisBench } from '../../plugins/sdk/synthesis-bench.testkit.js';

const fmt = (b: SynthesisBench) => {
  const per = (ms: number) => (ms / b.units).toFixed(2);
  return `session ${per(b.sessionRunMs)} ms/unit, espeak-ng ${per(b.phonemizeMs)} ms/unit, rest ${per(b.restMs)} ms/unit, total ${per(b.totalMs)} ms/unit ` +
    `(${b.units} units, ${b.audioSeconds.toFixed(1)} s of speech)`;
};

export default async function main(): Promise<void> {
  const piper = await benchPiper();
  console.log(`piper:  ${fmt(piper)}`);
  const kokoro = await benchKokoro();
  console.log(`kokoro: ${fmt(kokoro)}`);
  const kv = (name: string, b: SynthesisBench) => [
    `${name}_total_ms_per_unit=${(b.totalMs / b.units).toFixed(2)}`,
    `${name}_session_ms_per_unit=${(b.sessionRunMs / b.units).toFixed(2)}`,
    `${name}_espeak_ms_per_unit=${(b.phonemizeMs / b.units).toFixed(2)}`,
    `${name}_rest_ms_per_unit=${(b.restMs / b.units).toFixed(2)}`,
  ].join(' ');
  console.log(`RESULT tts ${kv('piper', piper)} ${kv('kokoro', kokoro)}`);
}
