/** The separate stage's inputs: the job's media and the audio stream the extract step chose. */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DubarrError, requireDocument, type StageInput } from '../sdk/index.js';

export function readMediaPath(input: StageInput): string {
  const p = input.inputs.source?.files.media;
  if (typeof p !== 'string' || !p) throw new DubarrError('E_INVALID_ARGUMENT', 'separate needs inputs.source (the job\'s media file)');
  if (!existsSync(p)) throw new DubarrError('E_INPUT_NOT_FOUND', `${p} does not exist`);
  return p;
}

const ExtractedStream = z.object({
  /** Absolute index of the audio stream being dubbed. */
  audioStream: z.number().int().nonnegative(),
  /** The media's length, ms: for progress. */
  durationMs: z.number().int().nonnegative().optional(),
});

export function readAudioStream(input: StageInput): z.infer<typeof ExtractedStream> {
  return requireDocument(ExtractedStream, input, 'extract', 'an extract document', 'separate:separate');
}
