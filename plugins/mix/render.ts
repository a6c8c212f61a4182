/**
 * Renders the dub track block by block from timeline 0: the source's blocks (or silence in
 * 'dub-only' mode), the original lowered by the duck envelope on the dub channels, the dub
 * lines added there at their gain, peaks limited, and each block handed to the encoder.
 * Memory is a few blocks and the lines in play, however long the film.
 */
import { throwIfCancelled, type Cancellation } from '../sdk/index.js';
import type { DubPlayer } from './dub-clips.js';
import type { DuckEnvelope } from './duck-envelope.js';
import type { PeakLimiter } from './peak-limiter.js';
import type { Block } from './source-audio.js';
import type { TrackSink } from './track-encoder.js';

export interface RenderSetup {
  sampleRate: number;
  channels: number;
  dubChannels: readonly number[];
  /** The original's blocks (duck mode); null renders the dub over silence. */
  source: AsyncIterable<Block> | null;
  /** At least this long (the media's length, the last line's end). */
  minFrames: number;
  /** Linear gain of the dub lines. */
  dubGain: number;
  envelope: DuckEnvelope | null;
  player: DubPlayer;
  limiter: PeakLimiter;
  /** Linear sample-peak ceiling on the dub channels. */
  ceiling: number;
  sink: TrackSink;
}

export async function renderTrack(s: RenderSetup, ctx: Cancellation & { progress(fraction: number): void }): Promise<number> {
  let dub = new Float32Array(s.sampleRate);
  let env = new Float32Array(s.sampleRate);
  let at = 0;

  const mixBlock = async (block: Float32Array, frames: number) => {
    throwIfCancelled(ctx);
    if (dub.length < frames) { dub = new Float32Array(frames); env = new Float32Array(frames); }
    dub.fill(0, 0, frames);
    const hasDub = await s.player.mixInto(dub, at, frames);
    const ducking = s.envelope?.fill(env, at, frames) ?? false;
    const need = hasDub || ducking ? mixDubChannels(block, frames, dub, ducking ? env : null, s) : null;
    const ready = s.limiter.push(block, frames, need);
    if (ready) await s.sink.write(ready.block, ready.frames);
    at += frames;
    ctx.progress(Math.min(0.99, at / Math.max(1, s.minFrames)));
  };

  if (s.source) for await (const b of s.source) await mixBlock(b.samples, b.frames);
  while (at < s.minFrames) {
    const frames = Math.min(s.sampleRate, s.minFrames - at);
    await mixBlock(new Float32Array(frames * s.channels), frames);
  }
  const last = s.limiter.flush();
  if (last) await s.sink.write(last.block, last.frames);
  return at;
}

/**
 * original x envelope + dub on each dub channel, in place; returns the gain each frame needs
 * to stay under the ceiling (null when none does). A frame whose original was already above
 * the ceiling only needs to come back to the original's level.
 */
function mixDubChannels(block: Float32Array, frames: number, dub: Float32Array, env: Float32Array | null, s: RenderSetup): Float32Array | null {
  let need: Float32Array | null = null;
  const ch = s.channels;
  for (let i = 0; i < frames; i++) {
    const d = dub[i]! * s.dubGain;
    const e = env ? env[i]! : 1;
    for (const c of s.dubChannels) {
      const k = i * ch + c;
      const o = block[k]!;
      const m = o * e + d;
      block[k] = m;
      const a = Math.abs(m);
      if (a > s.ceiling && a > Math.abs(o)) {
        const allowed = Math.max(s.ceiling, Math.abs(o)) / a;
        need ??= new Float32Array(frames).fill(1);
        if (allowed < need[i]!) need[i] = allowed;
      }
    }
  }
  return need;
}
