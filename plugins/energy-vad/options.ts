import { z } from 'zod';

export const EnergyVadOptions = z.object({
  /** Analysis frame length. */
  frameMs: z.number().int().min(10).max(100).default(30),
  /** Speech starts when a frame is this many dB above the local noise floor. */
  onDb: z.number().positive().max(60).default(9),
  /** ...and ends after minSilenceMs below this many dB above it (hysteresis). */
  offDb: z.number().nonnegative().max(60).default(5),
  /** The noise floor is this percentile of frame levels around each frame... */
  floorPercentile: z.number().gt(0).lt(100).default(10),
  /** ...within a window this long, centred on the frame, so the floor follows the scene. */
  floorWindowMs: z.number().int().min(1000).default(30000),
  /** Frames quieter than this (dBFS) are never speech, however quiet the floor (digital silence). */
  minLevelDb: z.number().max(0).default(-55),
  /** Energy below this frequency (hum, rumble, wind) is ignored; 0 disables the filter. */
  highpassHz: z.number().nonnegative().max(1000).default(150),
  /** As in silero-vad: drop shorter detections, split on longer pauses, pad, cut long ones. */
  minSpeechMs: z.number().int().nonnegative().default(250),
  minSilenceMs: z.number().int().nonnegative().default(300),
  speechPadMs: z.number().int().nonnegative().default(60),
  maxSegmentMs: z.number().int().min(1000).default(15000),
}).refine((o) => o.offDb <= o.onDb, { message: 'offDb must not exceed onDb', path: ['offDb'] });
export type EnergyVadOptions = z.infer<typeof EnergyVadOptions>;
