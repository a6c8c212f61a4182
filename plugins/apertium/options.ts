import { z } from 'zod';
import { Glossary } from '../sdk/glossary.js';

export const ApertiumOptions = z.object({
  /** Keep apertium's marks on words it could not translate (*word, #word, @word); for debugging. */
  markUnknown: z.boolean().default(false),
  /** Terms kept as-is (no translation) or forced; a job's params.glossary wins per term. */
  glossary: Glossary.default([]),
  /**
   * A directory of *.mode files to use instead of the installed ones, e.g. the modes/ folder
   * of a pair built from source. Default: /usr/share/apertium/modes and /usr/local/share/apertium/modes.
   */
  modesDir: z.string().regex(/(^|\/)modes\/?$/, 'must be a folder named modes (apertium -d reads <dir>/modes)').optional(),
  /** The apertium launcher, a name on PATH or an absolute path. */
  binary: z.string().min(1).default('apertium'),
});
export type ApertiumOptions = z.infer<typeof ApertiumOptions>;
