import { z } from 'zod';

export const MuxOptions = z.object({
  /** Mark the audio track the dub was made from `original`, so players label it. (Which track is the default: pipeline.defaultAudio.) */
  markSourceOriginal: z.boolean().default(true),
  /** Add the translated subtitles as tracks of the dubbed file (mux and in-place modes). */
  embedSubtitles: z.boolean().default(true),
  /**
   * Also write the subtitles as files beside the video, in the job's subtitle formats (SRT, WebVTT,
   * ASS). Off, beside our own dubbed version, the ones an earlier run wrote are removed.
   */
  subtitleSidecars: z.boolean().default(true),
});
export type MuxOptions = z.infer<typeof MuxOptions>;

export const FfmpegOptions = MuxOptions;
export type FfmpegOptions = MuxOptions;
