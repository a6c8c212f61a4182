import { z } from 'zod';

export const PocketsphinxOptions = z.object({
  /** The model folder of Debian's pocketsphinx-en-us: en-us/ (acoustic), en-us.lm.bin, cmudict-en-us.dict. */
  modelDir: z.string().min(1).default('/usr/share/pocketsphinx/model/en-us'),
  /** Overrides for the three model parts; default: inside modelDir. */
  hmm: z.string().min(1).optional(),
  lm: z.string().min(1).optional(),
  dict: z.string().min(1).optional(),
  binary: z.string().min(1).default('pocketsphinx_continuous'),
  /** Spectral noise subtraction; helps on film audio, costs a little on clean speech. */
  removeNoise: z.boolean().default(true),
  /**
   * Search limits (active HMMs and word exits per frame). The engine's defaults are 30000
   * and unlimited; these decode ~20% faster with the same word error rate on test speech.
   */
  maxhmmpf: z.number().int().min(100).default(3000),
  maxwpf: z.number().int().min(-1).default(5),
  /**
   * Most decoder processes at once (each takes one chunk at a time, see chunkSeconds).
   * Default: the stage's share of workers.threads (StageContext.parallelism); a larger value
   * is capped to that share, so recognition never oversubscribes the box. The transcript is
   * the same whatever runs at once.
   */
  concurrency: z.number().int().min(1).max(64).optional(),
  /**
   * With VAD, the speech is cut into chunks of about this much (an even count), each decoded
   * by its own process (which loads the model, ~1.3 s of CPU). Shorter chunks spread over
   * more cores but start more often from the model's initial cepstral mean (see speech-plan.ts).
   */
  chunkSeconds: z.number().min(5).max(3600).default(150),
  /** Audio kept around each VAD region so word edges are not clipped. */
  vadPaddingMs: z.number().int().min(0).max(2000).default(200),
  /** More pocketsphinx arguments, e.g. ['-beam', '1e-60']. */
  extraArgs: z.array(z.string()).default([]),
});
export type PocketsphinxOptions = z.infer<typeof PocketsphinxOptions>;

export interface ModelPaths { hmm: string; lm: string; dict: string }

export function modelPaths(o: PocketsphinxOptions): ModelPaths {
  return {
    hmm: o.hmm ?? `${o.modelDir}/en-us`,
    lm: o.lm ?? `${o.modelDir}/en-us.lm.bin`,
    dict: o.dict ?? `${o.modelDir}/cmudict-en-us.dict`,
  };
}
