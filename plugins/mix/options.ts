import { z } from 'zod';

export const MixOptions = z.object({
  /** 'duck': the original stays under the dub, lowered while lines play; 'dub-only': the dub alone. */
  mode: z.enum(['duck', 'dub-only']).default('duck'),
  /**
   * What the dub is laid over in 'duck' mode. 'duck': the original, lowered while lines play.
   * 'separate': the original with its voice taken out (the job's separate step, which needs a
   * separation model: dubarr models pull mdx-net-voc-ft), at full level; the music and
   * effects stay and the original speech is gone. Without a separation the mix ducks.
   */
  background: z.enum(['duck', 'separate']).default('duck'),
  /** How far the original is lowered under the dub, dB. */
  duckDb: z.number().min(-60).max(0).default(-12),
  /** Ramp down before each line starts, ms. */
  attackMs: z.number().int().min(0).max(2000).default(60),
  /** Ramp back up after each line ends, ms. */
  releaseMs: z.number().int().min(0).max(5000).default(250),
  /** Set the dub's integrated loudness to the source stream's (EBU R128). */
  loudnessMatch: z.boolean().default(true),
  /** True-peak ceiling for the dub, dBTP; the mix's peaks are limited to it too. */
  ceilingDbtp: z.number().min(-20).max(0).default(-1),
  /** 'auto': Opus in WebM, AAC in everything else. */
  codec: z.enum(['auto', 'aac', 'opus', 'flac']).default('auto'),
  /** kb/s per channel; default 96 for AAC, 64 for Opus (FLAC is lossless). */
  bitratePerChannel: z.number().int().min(16).max(256).optional(),
  /**
   * FFmpeg's AAC search (aac_coder). 'auto': 'fast' for more than two channels, 'twoloop' for
   * mono and stereo. Measured against the lossless mix (npm run bench -- mix): on 5.1, 'fast'
   * was 2.4x faster with the same segmental SNR on the centre channel, which carries the dub
   * (the surrounds, the original's bed, within 0.4 dB), and the same loudness and true peak;
   * on stereo, where the dub is in both channels, it saved ~25 % of the time for 0.5 dB less.
   */
  aacCoder: z.enum(['auto', 'twoloop', 'fast']).default('auto'),
});
export type MixOptions = z.infer<typeof MixOptions>;
