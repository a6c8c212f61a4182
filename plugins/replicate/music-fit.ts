/**
 * Makes the model's piece into the bed the plan asks for: 48 kHz stereo, exactly durationMs
 * (a longer piece cut with a short fade-out, a shorter one looped with crossfades), at the
 * plan's integrated loudness, with its true peak kept under -1 dBTP. All through libavfilter
 * (native/lib), so no CLI is needed.
 */
import { join } from 'node:path';
import { measureLoudness, runFilterGraph } from '../../native/lib/index.js';
import { DubarrError, type MusicPlan } from '../sdk/index.js';

const RATE = 48_000;
/** The most inputs one filter graph takes (native/lib's limit). */
const MAX_INPUTS = 32;
const CEILING_DBTP = -1;

interface Cancel { signal: AbortSignal; cancelFlag: Int32Array }

const asFloatStereo = { codec: 'wav', wavFormat: 'f32', sampleRate: RATE, channels: 2 } as const;

/** `piece` looped k times with crossfades of `x` samples: k*len - (k-1)*x samples. */
async function loopOnce(piece: string, len: number, x: number, need: number, out: string, c: Cancel): Promise<number> {
  const copies = Math.min(MAX_INPUTS, Math.ceil((need - x) / (len - x)));
  let graph = '';
  let last = '[in0]';
  for (let i = 1; i < copies; i++) {
    graph += `${last}[in${i}]acrossfade=ns=${x}:c1=tri:c2=tri[x${i}];`;
    last = `[x${i}]`;
  }
  graph += `${last}anull[out]`;
  const r = await runFilterGraph({ inputs: Array.from({ length: copies }, () => piece), graph, out, ...asFloatStereo, ...c });
  return r.samples;
}

export async function fitMusic(src: string, out: string, plan: MusicPlan, crossfadeMs: number, workDir: string, c: Cancel): Promise<{ loops: boolean }> {
  const need = Math.round((plan.durationMs * RATE) / 1000);
  let piece = join(workDir, 'bed-0.wav');
  let len: number;
  try {
    len = (await runFilterGraph({ inputs: [src], graph: 'aresample=48000', out: piece, ...asFloatStereo, ...c })).samples;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'E_CANCELLED') throw DubarrError.from(e);
    throw new DubarrError('E_PROVIDER_FAILED', `replicate: the music model's output is not audio dubarr can read (${e instanceof Error ? e.message : 'unknown error'}); try another model`);
  }
  if (len < RATE / 10) throw new DubarrError('E_PROVIDER_FAILED', `replicate: the music model returned ${Math.round((len / RATE) * 1000)} ms of audio, too little to make a bed from`);

  const loops = len < need;
  for (let round = 1; len < need; round++) {
    const x = Math.min(Math.round((crossfadeMs * RATE) / 1000), Math.floor(len / 3));
    const next = join(workDir, `bed-${round}.wav`);
    len = await loopOnce(piece, len, x, need, next, c);
    piece = next;
  }

  // Exactly `need` samples; a cut piece fades out instead of stopping mid-note.
  const fadeS = loops ? 0 : Math.min(1, plan.durationMs / 10_000);
  const fade = fadeS > 0 ? `,afade=t=out:st=${(need / RATE - fadeS).toFixed(6)}:d=${fadeS.toFixed(6)}` : '';
  const exact = join(workDir, 'bed-exact.wav');
  await runFilterGraph({ inputs: [piece], graph: `atrim=end_sample=${need},apad=whole_len=${need}${fade}`, out: exact, ...asFloatStereo, ...c });

  const m = await measureLoudness(exact, c);
  let gainDb = 0;
  if (m.integratedLufs !== null && m.integratedLufs > -70) {
    gainDb = plan.loudnessLufs - m.integratedLufs;
    if (m.truePeakDbtp !== null) gainDb = Math.min(gainDb, CEILING_DBTP - m.truePeakDbtp);
  }
  const r = await runFilterGraph({ inputs: [exact], graph: `volume=${gainDb.toFixed(3)}dB`, out, codec: 'wav', wavFormat: 's16', sampleRate: RATE, channels: 2, ...c });
  if (r.samples !== need) throw new DubarrError('E_INTERNAL', `replicate: the bed came out ${r.samples} samples long instead of ${need}`);
  return { loops };
}
