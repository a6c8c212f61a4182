import { z } from 'zod';

export const UnitsOptions = z.object({
  /** Units shorter than this are merged with a neighbour when one fits (ms). */
  minMs: z.number().int().min(0).max(60_000).default(1000),
  /** Units longer than this are split (ms). */
  maxMs: z.number().int().min(500).max(120_000).default(8000),
  /** Only segments this close (ms) are merged; a longer pause is a unit boundary. */
  maxGapMs: z.number().int().min(0).max(10_000).default(600),
}).refine((o) => o.minMs < o.maxMs, { message: 'minMs must be smaller than maxMs', path: ['minMs'] });
export type UnitsOptions = z.infer<typeof UnitsOptions>;
