/** The generation plans (plugins/sdk/generation.ts) as the replicate stages validate them. */
import { z } from 'zod';
import type { ClipPlan, MusicPlan } from '../sdk/index.js';

export const MusicPlanDocument: z.ZodType<MusicPlan> = z.object({
  prompt: z.string().trim().min(1),
  durationMs: z.number().int().min(100).max(6 * 3600_000),
  loudnessLufs: z.number().min(-70).max(0),
});

export const ClipPlanDocument: z.ZodType<ClipPlan> = z.object({
  width: z.number().int().min(16).max(7680).refine((n) => n % 2 === 0, 'even (H.264 4:2:0 needs even sizes)'),
  height: z.number().int().min(16).max(4320).refine((n) => n % 2 === 0, 'even (H.264 4:2:0 needs even sizes)'),
  fps: z.number().min(1).max(120),
  clips: z.array(z.object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, - and _ (it names the clip\'s file)'),
    prompt: z.string().trim().min(1),
    durationMs: z.number().int().min(40).max(3600_000),
    image: z.string().min(1).optional(),
    seed: z.number().int().optional(),
  })).min(1).refine((l) => new Set(l.map((c) => c.id)).size === l.length, 'clip ids must be unique'),
});
