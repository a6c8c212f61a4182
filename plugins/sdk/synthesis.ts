/**
 * Engine-agnostic synthesis of dubbing units into their time slots. Each unit is spoken at
 * the engine's normal pace first; only a unit that overflows its slot is spoken again,
 * once, faster (never slower, never past `maxRate`). What still overflows is left to the
 * fit-timing stage, which time-stretches within its own bound. The rate is recorded per unit.
 */
import { rm } from 'node:fs/promises';
import { throwIfCancelled, type Cancellation } from './errors.js';

export interface SlotUnit {
  id: string;
  /** The unit's slot on the timeline, ms. */
  start: number;
  end: number;
}

export interface SynthesizedClip {
  /** Absolute path of the audio the engine wrote. */
  file: string;
  durationMs: number;
}

/** Speaks one unit at `rate` × the engine's base pace; a new file per call. */
export type SynthesizeUnit<U extends SlotUnit> = (unit: U, rate: number) => Promise<SynthesizedClip>;

export interface FitToSlotOptions {
  /** Whether the engine can speak faster; without it every unit is spoken once at 1.0. */
  supportsRate: boolean;
  /** Fastest rate for a re-synthesis, relative to the base pace (default 1.25). */
  maxRate?: number;
  /**
   * Extra speed asked on top of duration / slot (default 0.05): pauses between sentences
   * and at the edges do not shrink with rate, so the exact ratio tends to fall just short.
   */
  rateMargin?: number;
  /** Units synthesized at once (default 1). */
  concurrency?: number;
  /** The stage's ctx, checked between units. */
  cancel?: Cancellation;
  /** Called after each unit, in completion order. */
  onUnitDone?(done: number, total: number, unit: FittedUnit): void;
}

export interface FittedUnit extends SynthesizedClip {
  id: string;
  start: number;
  end: number;
  /** The rate of the clip kept. */
  rate: number;
  /** Slot length including the gap before the next unit, ms. */
  availableMs: number;
  /** How much the kept clip is longer than the available slot, ms (0 when it fits). */
  overflowMs: number;
  resynthesized: boolean;
}

/**
 * The time each unit may take: up to the next unit's start (in time order) when that is
 * later than the unit's own end, else its own slot.
 */
export function availableSlots(units: readonly SlotUnit[]): number[] {
  const order = units.map((_, i) => i).sort((a, b) => units[a]!.start - units[b]!.start);
  const out = new Array<number>(units.length);
  order.forEach((i, k) => {
    const u = units[i]!;
    const next = order[k + 1] === undefined ? undefined : units[order[k + 1]!]!;
    const until = next && next.start > u.end ? next.start : u.end;
    out[i] = Math.max(0, until - u.start);
  });
  return out;
}

/** The rate that makes a clip of `durationMs` fit `availableMs`, bounded to [1, maxRate]. */
export function rateToFit(durationMs: number, availableMs: number, maxRate: number, rateMargin: number): number {
  const needed = availableMs > 0 ? (durationMs / availableMs) * (1 + rateMargin) : Infinity;
  return Math.min(maxRate, Math.max(1, needed));
}

export async function synthesizeToFit<U extends SlotUnit>(
  units: readonly U[],
  synthesize: SynthesizeUnit<U>,
  options: FitToSlotOptions,
): Promise<FittedUnit[]> {
  const { maxRate = 1.25, rateMargin = 0.05, concurrency = 1, cancel } = options;
  const slots = availableSlots(units);
  const results = new Array<FittedUnit>(units.length);
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;

  const fitOne = async (i: number): Promise<FittedUnit> => {
    const unit = units[i]!;
    const availableMs = slots[i]!;
    let clip = await synthesize(unit, 1);
    let rate = 1;
    if (options.supportsRate && clip.durationMs > availableMs && maxRate > 1) {
      if (cancel) throwIfCancelled(cancel);
      const faster = rateToFit(clip.durationMs, availableMs, maxRate, rateMargin);
      const second = await synthesize(unit, faster);
      // Keep the shorter clip; an engine may ignore rate for some text.
      const [keep, drop] = second.durationMs < clip.durationMs ? [second, clip] : [clip, second];
      if (drop.file !== keep.file) await rm(drop.file, { force: true });
      rate = keep === second ? faster : 1;
      clip = keep;
    }
    return {
      id: unit.id, start: unit.start, end: unit.end, file: clip.file, durationMs: clip.durationMs, rate, availableMs,
      overflowMs: Math.max(0, clip.durationMs - availableMs), resynthesized: rate !== 1,
    };
  };

  const runner = async (): Promise<void> => {
    while (!failure && next < units.length) {
      const i = next++;
      try {
        if (cancel) throwIfCancelled(cancel);
        results[i] = await fitOne(i);
        options.onUnitDone?.(++done, units.length, results[i]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  // Wait for every runner, not just the first failure, so no engine call outlives this one.
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, units.length)) }, runner));
  if (failure) throw failure.error;
  return results;
}
