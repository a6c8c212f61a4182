/**
 * A synthesized clip as the fit stage needs it: a mono PCM WAV at the plan's sample rate.
 * espeak-ng's WAVs are used as they are; anything else (another rate, stereo, MP3 from a cloud
 * voice) is converted once through the native decoder, which also rejects corrupt files.
 */
import { decodeToWavSync } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/index.js';
import { readWavInfo, type WavInfo } from '../sdk/wav.js';

export interface SourceClip {
  path: string;
  sampleRate: number;
  frames: number;
  durationMs: number;
}

async function wavInfoOrNull(path: string): Promise<WavInfo | null> {
  try {
    return await readWavInfo(path);
  } catch (e) {
    if (e instanceof DubarrError && e.code === 'E_MEDIA_UNREADABLE') return null;
    throw e;
  }
}

/**
 * `sampleRate` undefined: keep the clip's own rate (the first clip sets the plan's rate).
 * `scratch` names the converted copy inside the work dir when one is needed.
 */
export async function openSourceClip(path: string, sampleRate: number | undefined, scratch: string, cancelFlag: Int32Array): Promise<SourceClip> {
  const info = await wavInfoOrNull(path);
  if (info && info.channels === 1 && (sampleRate === undefined || info.sampleRate === sampleRate)) {
    return { path, sampleRate: info.sampleRate, frames: info.frames, durationMs: info.durationMs };
  }
  const r = decodeToWavSync(path, scratch, { channels: 'mono', sampleRate, cancelFlag });
  return { path: scratch, sampleRate: r.sampleRate, frames: r.samples, durationMs: Math.round((r.samples * 1000) / r.sampleRate) };
}
