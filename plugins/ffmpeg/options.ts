import { z } from 'zod';

export const MuxOptions = z.object({
  /** Make the first dub track the default audio track (players pick it first). */
  makeDubDefault: z.boolean().default(false),
  /** Mark the source's main audio track `original`, so players label it. */
  markSourceOriginal: z.boolean().default(true),
  /** Add the translated subtitles as tracks of the dubbed file (mux and in-place modes). */
  embedSubtitles: z.boolean().default(true),
  /** Also write the subtitles as SRT and WebVTT files beside the video. */
  subtitleSidecars: z.boolean().default(true),
});
export type MuxOptions = z.infer<typeof MuxOptions>;

export const FfmpegOptions = MuxOptions;
export type FfmpegOptions = MuxOptions;
