/**
 * A window's sampled tokens as timed segments, the way the reference transcriber cuts them:
 * consecutive timestamp tokens close one segment and open the next; a window that ends on a
 * single timestamp had no speech after it, so the next window starts where this one ends;
 * otherwise the next window starts at the last timestamp (the rest was cut off mid-speech).
 * One difference: a segment's start is its opening timestamp, not the window's start, since
 * VAD windows begin a little before the speech.
 */
import type { WhisperConfig } from './model-config.js';

/** Whisper's timestamp resolution, and an encoder frame. */
export const TIMESTAMP_MS = 20;

export interface WindowSegment {
  /** Relative to the window's start, ms. */
  start: number;
  end: number;
  /** Indices into the window's sampled tokens, [from, to). */
  from: number;
  to: number;
}

export interface WindowCut {
  segments: WindowSegment[];
  /** How far the next window starts after this one's start, ms. */
  advanceMs: number;
}

export function cutSegments(tokens: readonly number[], c: Pick<WhisperConfig, 'timestampBegin'>, windowMs: number): WindowCut {
  const tb = c.timestampBegin;
  const isTs = tokens.map((t) => t >= tb);
  const ms = (i: number) => Math.min(windowMs, (tokens[i]! - tb) * TIMESTAMP_MS);
  const singleEnding = tokens.length >= 2 && !isTs[tokens.length - 2] && isTs[tokens.length - 1]!;
  const consecutive: number[] = [];
  for (let i = 1; i < tokens.length; i++) if (isTs[i - 1] && isTs[i]) consecutive.push(i);
  const segments: WindowSegment[] = [];
  if (consecutive.length > 0) {
    const slices = singleEnding ? [...consecutive, tokens.length] : consecutive;
    let last = 0;
    for (const cut of slices) {
      segments.push({ start: ms(last), end: ms(cut - 1), from: last, to: cut });
      last = cut;
    }
    const advanceMs = singleEnding ? windowMs : ms(last - 1);
    return { segments, advanceMs };
  }
  const stamps = tokens.map((t, i) => (t >= tb ? i : -1)).filter((i) => i >= 0);
  const first = isTs[0] ? ms(0) : 0;
  const end = stamps.length > 0 && tokens[stamps.at(-1)!] !== tb && stamps.at(-1)! > 0 ? ms(stamps.at(-1)!) : windowMs;
  if (tokens.length > 0) segments.push({ start: Math.min(first, end), end, from: 0, to: tokens.length });
  return { segments, advanceMs: windowMs };
}
