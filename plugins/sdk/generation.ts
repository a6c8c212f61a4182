/**
 * What the generation steps of the `film` and `podcast` presets ask for and give back, so a
 * local provider (a still picture, a synthesized bed) and a cloud one (a video or music model)
 * take the same step. Requests are the data of the planning step before them; results are
 * files named by the request's id.
 */

/** One clip to make: text-to-video, or image-to-video when `image` names a still. */
export interface ClipRequest {
  /** Unique within the plan; the result's file name ('scene-1'). */
  id: string;
  prompt: string;
  /** What the clip must last (its scene's speech); a shorter model clip is extended by the caller. */
  durationMs: number;
  /** A picture file (absolute path) to start from, when the script gives one. */
  image?: string;
  seed?: number;
}

/** Data of the step that plans the pictures (capability 'video' reads it as input `plan`). */
export interface ClipPlan {
  width: number;
  height: number;
  fps: number;
  clips: ClipRequest[];
}

/** Data of a 'video' step; each clip's file is `files[id]` (MP4, H.264, the plan's size). */
export interface GeneratedClips {
  clips: Array<{ id: string; durationMs: number; made: 'model' | 'still' }>;
}

/**
 * Data of the step that plans the music bed (capability 'music' reads it as input `plan`). A
 * plan with no prompt, or at -70 LUFS or below, asks for silence (asksForSilence).
 */
export interface MusicPlan {
  prompt: string;
  durationMs: number;
  /** Integrated loudness the bed is brought to (EBU R128), below the speech. */
  loudnessLufs: number;
}

/** Data of a 'music' step; the bed is `files.music` (WAV, 48 kHz stereo, exactly durationMs). */
export interface GeneratedMusic {
  durationMs: number;
  made: 'model' | 'synthesized' | 'silence';
}

/** A plan that asks for no music (a script with `music: false`): a silent bed, nothing generated. */
export function asksForSilence(plan: Pick<MusicPlan, 'prompt' | 'loudnessLufs'>): boolean {
  return !plan.prompt.trim() || plan.loudnessLufs <= -70;
}
