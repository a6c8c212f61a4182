/**
 * Runs a Piper voice: one session run per sentence (as Piper does: a sentence is the longest
 * stretch the model was trained to read in one go), with `sentenceSilenceMs` of silence
 * between sentences. Rate r reads r times faster: length_scale / r, and the silence / r.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { DubarrError } from '../sdk/errors.js';
import type { SpokenAudio } from '../sdk/synthesis-units.js';
import type { PiperVoice } from './piper-voices.js';

export interface PiperScales {
  noiseScale: number;
  /** At rate 1; > 1 is slower. */
  lengthScale: number;
  noiseW: number;
}

export interface PiperSession {
  session: InferenceSession;
  Tensor: typeof import('onnxruntime-node').Tensor;
}

/** Time spent inside session.run, for the bench. */
export interface SessionClock { sessionRunMs: number }

export async function speakSentences(
  run: PiperSession, voice: PiperVoice, sentences: readonly number[][], scales: PiperScales, rate: number,
  sentenceSilenceMs: number, clock: SessionClock,
): Promise<SpokenAudio> {
  const { session, Tensor } = run;
  const sampleRate = voice.model.config.audio.sample_rate;
  const silence = Math.round(((sentenceSilenceMs / rate) * sampleRate) / 1000);
  const scalesTensor = new Tensor('float32', Float32Array.from([scales.noiseScale, scales.lengthScale / rate, scales.noiseW]), [3]);
  const parts: Float32Array[] = [];
  for (const ids of sentences) {
    const feeds: Record<string, InstanceType<typeof Tensor>> = {
      input: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      input_lengths: new Tensor('int64', BigInt64Array.from([BigInt(ids.length)]), [1]),
      scales: scalesTensor,
    };
    if (voice.sid !== undefined) feeds.sid = new Tensor('int64', BigInt64Array.from([BigInt(voice.sid)]), [1]);
    const t0 = performance.now();
    const out = await session.run(feeds);
    clock.sessionRunMs += performance.now() - t0;
    const audio = out[session.outputNames[0]!]!;
    if (audio.type !== 'float32') throw new DubarrError('E_PROVIDER_FAILED', `the piper voice ${voice.model.model.id} gave ${audio.type} audio, not float32`);
    if (parts.length) parts.push(new Float32Array(silence));
    parts.push(audio.data as Float32Array);
  }
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { samples.set(p, at); at += p.length; }
  return { samples, sampleRate };
}
