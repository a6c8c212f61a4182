/**
 * The subtitle file formats dubarr writes (it reads more: sidecar-name.ts), and the job
 * parameter that chooses them (`subtitleFormats`, from config pipeline.subtitleFormats), read
 * the same way by the step that writes the files and the step that delivers them.
 */
import { DubarrError } from './errors.js';

export const SUBTITLE_OUTPUT_FORMATS = ['srt', 'vtt', 'ass'] as const;
export type SubtitleOutputFormat = (typeof SUBTITLE_OUTPUT_FORMATS)[number];
/** pipeline.subtitleFormats' default, and what a subtitles step writes when its preset step does not read the parameter. */
export const DEFAULT_SUBTITLE_FORMATS: readonly SubtitleOutputFormat[] = ['srt', 'vtt'];

/** The job's `subtitleFormats` parameter, each once in its order; undefined when the job gives none. */
export function subtitleFormatsParam(params: Readonly<Record<string, unknown>>, stage: string): SubtitleOutputFormat[] | undefined {
  const given = params.subtitleFormats;
  if (given === undefined) return undefined;
  if (!Array.isArray(given) || given.length === 0 || !given.every((f) => (SUBTITLE_OUTPUT_FORMATS as readonly unknown[]).includes(f))) {
    throw new DubarrError('E_INVALID_ARGUMENT', `${stage}: subtitleFormats must be a non-empty list of ${SUBTITLE_OUTPUT_FORMATS.join(', ')}; got ${JSON.stringify(given)}`);
  }
  return [...new Set(given as SubtitleOutputFormat[])];
}
