/**
 * The fitted dub lines at the output's sample rate: decoded once (resampled by the native
 * decoder) into float WAVs in the work dir, measured on the way (loudness, true peak), then
 * read back one line at a time while the track is rendered, so memory holds only the lines
 * that overlap the block being mixed.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeToWavSync } from '../../native/lib/index.js';
import { throwIfCancelled, type FitUnit } from '../sdk/index.js';
import { readWav } from '../sdk/wav.js';
import { LoudnessMeter } from './loudness-meter.js';
import { TruePeakMeter } from './true-peak.js';

export interface DubClip {
  id: string;
  path: string;
  startFrame: number;
  frames: number;
}

export interface PreparedDub {
  clips: DubClip[];
  /** Loudness and true peak of the lines as one mono signal. */
  monoLufs: number | null;
  truePeakDbtp: number | null;
}

export async function prepareDubClips(
  units: readonly FitUnit[],
  files: Readonly<Record<string, string>>,
  sampleRate: number,
  workDir: string,
  ctx: { signal: AbortSignal; cancelFlag: Int32Array; progress(fraction: number): void },
): Promise<PreparedDub> {
  const meter = new LoudnessMeter(sampleRate, [1]);
  const peak = new TruePeakMeter();
  const clips: DubClip[] = [];
  const ordered = [...units].sort((a, b) => a.placedStart - b.placedStart);
  for (const [i, u] of ordered.entries()) {
    throwIfCancelled(ctx);
    const path = join(workDir, `dub-${String(i).padStart(5, '0')}.wav`);
    decodeToWavSync(files[u.file]!, path, { channels: 'mono', sampleRate, format: 'f32', cancelFlag: ctx.cancelFlag });
    const samples = (await readWav(path)).channels[0]!;
    const startFrame = Math.round((u.placedStart * sampleRate) / 1000);
    // The fit stage's placement is the contract: a resampled line never runs past placedEnd.
    const frames = Math.min(samples.length, Math.max(0, Math.round((u.placedEnd * sampleRate) / 1000) - startFrame));
    const kept = samples.subarray(0, frames);
    meter.add(kept, frames);
    peak.add(kept);
    clips.push({ id: u.id, path, startFrame, frames });
    ctx.progress((i + 1) / ordered.length);
  }
  return { clips, monoLufs: meter.integratedLufs(), truePeakDbtp: peak.dbtp() };
}

/** Adds the lines that overlap each block into a mono buffer, in timeline order. */
export class DubPlayer {
  private next = 0;
  private active: Array<{ clip: DubClip; samples: Float32Array }> = [];

  constructor(private readonly clips: readonly DubClip[]) {}

  /** Adds the dub for frames [from, from + frames) into `out`; false when there is none there. */
  async mixInto(out: Float32Array, from: number, frames: number): Promise<boolean> {
    const to = from + frames;
    while (this.next < this.clips.length && this.clips[this.next]!.startFrame < to) {
      const clip = this.clips[this.next++]!;
      if (clip.startFrame + clip.frames <= from) continue;
      this.active.push({ clip, samples: (await readWav(clip.path)).channels[0]! });
    }
    let any = false;
    for (const { clip, samples } of this.active) {
      const a = Math.max(from, clip.startFrame);
      const b = Math.min(to, clip.startFrame + clip.frames);
      for (let t = a; t < b; t++) out[t - from]! += samples[t - clip.startFrame]!;
      any ||= b > a;
    }
    const done = this.active.filter((x) => x.clip.startFrame + x.clip.frames <= to);
    if (done.length) {
      this.active = this.active.filter((x) => !done.includes(x));
      // Free the disk as the render moves on: a film's lines add up to hundreds of MB.
      await Promise.all(done.map((x) => rm(x.clip.path, { force: true })));
    }
    return any;
  }

  /** The frame after the last line. */
  endFrame(): number {
    return this.clips.reduce((m, c) => Math.max(m, c.startFrame + c.frames), 0);
  }
}
