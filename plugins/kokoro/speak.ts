/**
 * Runs Kokoro on a unit: each run of at most 510 phonemes as input_ids [0, ...ids, 0], the
 * voice's style row for that many phonemes, speed = base speed × rate; the runs' audio joined.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { DubarrError } from '../sdk/errors.js';
import type { SpokenAudio } from '../sdk/synthesis-units.js';
import { styleFor } from './model-layout.js';

export interface KokoroSession {
  session: InferenceSession;
  Tensor: typeof import('onnxruntime-node').Tensor;
  sampleRate: number;
  styleDim: number;
  /** Id of "$", the pad on both ends (0 in Kokoro's vocabulary). */
  pad: number;
}

/** Time spent inside session.run, for the bench. */
export interface SessionClock { sessionRunMs: number }

export async function speakRuns(k: KokoroSession, runs: readonly number[][], styles: Float32Array, speed: number, clock: SessionClock): Promise<SpokenAudio> {
  const { session, Tensor } = k;
  const parts: Float32Array[] = [];
  for (const ids of runs) {
    const padded = [k.pad, ...ids, k.pad];
    const feeds = {
      input_ids: new Tensor('int64', BigInt64Array.from(padded, BigInt), [1, padded.length]),
      style: new Tensor('float32', Float32Array.from(styleFor(styles, k.styleDim, ids.length)), [1, k.styleDim]),
      speed: new Tensor('float32', Float32Array.from([speed]), [1]),
    };
    const t0 = performance.now();
    const out = await session.run(feeds);
    clock.sessionRunMs += performance.now() - t0;
    const waveform = out.waveform ?? out[session.outputNames[0]!]!;
    if (waveform.type !== 'float32') throw new DubarrError('E_PROVIDER_FAILED', `kokoro gave ${waveform.type} audio, not float32`);
    parts.push(waveform.data as Float32Array);
  }
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { samples.set(p, at); at += p.length; }
  return { samples, sampleRate: k.sampleRate };
}
