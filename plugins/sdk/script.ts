/**
 * The documents of the script-driven presets (`film`, `podcast`): a script as the script step
 * read and checked it, and the timeline its speech was laid out on. Every later step (clip and
 * music plans, speaker cards, the mix, subtitles, chapters) reads these, so they live here
 * rather than in one plugin.
 */
import { z } from 'zod';

const ms = z.number().int().nonnegative();

export const ScriptCharacter = z.object({
  name: z.string(),
  gender: z.enum(['female', 'male']).optional(),
  age: z.enum(['child', 'young', 'adult', 'old']).optional(),
  /** A voice id of the synthesize provider, chosen outright. */
  voice: z.string().optional(),
  /** '#rrggbb', for the podcast's speaker cards. */
  colour: z.string().regex(/^#[0-9a-f]{6}$/),
});
export type ScriptCharacter = z.infer<typeof ScriptCharacter>;

export const ScriptLine = z.object({
  /** 'l1', 'l2', ... in script order: the line's unit id in every language. */
  id: z.string(),
  character: z.string(),
  text: z.string(),
  /** The line in other languages, by ISO 639-1 code. */
  translations: z.record(z.string(), z.string()),
  /** Where it is in the script file (1-based), for messages. */
  sourceLine: z.number().int().positive(),
});
export type ScriptLine = z.infer<typeof ScriptLine>;

export const ScriptScene = z.object({
  /** 'scene-1', ...: the clip's id. */
  id: z.string(),
  /** A film scene's or a podcast section's heading; a podcast's chapter title. */
  title: z.string().optional(),
  /** What the picture shows (a video model's prompt; the local provider's title card). */
  prompt: z.string().optional(),
  /** A still to show (or start a video model from): the name of the script step's file holding it. */
  image: z.string().optional(),
  /** The shortest the scene lasts, however little is said in it. */
  minDurationMs: ms,
  lines: z.array(ScriptLine),
  sourceLine: z.number().int().positive(),
});
export type ScriptScene = z.infer<typeof ScriptScene>;

export const Script = z.object({
  title: z.string(),
  /** The language the lines' `text` is in (ISO 639-1). */
  language: z.string(),
  characters: z.array(ScriptCharacter),
  scenes: z.array(ScriptScene).min(1),
  music: z.object({
    prompt: z.string(),
    /** Integrated loudness of the bed, LUFS; absent: the music step's default. */
    loudnessLufs: z.number().optional(),
    enabled: z.boolean(),
  }),
});
export type Script = z.infer<typeof Script>;

/**
 * Where everything sits: each line at its start for as long as its longest language takes,
 * scenes back to back, every time a whole number of video frames so clips of exactly the
 * scene's length exist.
 */
export const Timeline = z.object({
  durationMs: ms,
  fps: z.number().int().positive(),
  languages: z.array(z.string()),
  scenes: z.array(z.object({ id: z.string(), start: ms, end: ms })),
  lines: z.array(z.object({
    id: z.string(),
    scene: z.string(),
    character: z.string(),
    start: ms,
    /** start + the longest language's speech. */
    end: ms,
  })),
});
export type Timeline = z.infer<typeof Timeline>;
