/**
 * The generation contract (generation.ts) as schemas: providers of 'video' and 'music' check
 * the plan they are given with these, and the contract suite checks what they return.
 */
import { z } from 'zod';
import { CAPABILITY_OUTPUT } from './artifacts.js';
import type { ClipPlan, GeneratedClips, GeneratedMusic, MusicPlan } from './generation.js';

const ms = z.number().int().nonnegative();

export const ClipPlanSchema: z.ZodType<ClipPlan> = z.object({
  width: z.number().int().positive().multipleOf(2),
  height: z.number().int().positive().multipleOf(2),
  fps: z.number().positive(),
  clips: z.array(z.object({
    // Names a result file: no path separators.
    id: z.string().regex(/^[\w.-]+$/),
    prompt: z.string(),
    durationMs: z.number().int().positive(),
    image: z.string().optional(),
    seed: z.number().int().optional(),
  })),
});

export const GeneratedClipsSchema: z.ZodType<GeneratedClips> = z.object({
  clips: z.array(z.object({ id: z.string(), durationMs: ms, made: z.enum(['model', 'still']) })),
});

export const MusicPlanSchema: z.ZodType<MusicPlan> = z.object({
  prompt: z.string(),
  durationMs: z.number().int().positive(),
  loudnessLufs: z.number(),
});

export const GeneratedMusicSchema: z.ZodType<GeneratedMusic> = z.object({
  durationMs: ms,
  made: z.enum(['model', 'synthesized', 'silence']),
});

Object.assign(CAPABILITY_OUTPUT, { video: GeneratedClipsSchema, music: GeneratedMusicSchema });
