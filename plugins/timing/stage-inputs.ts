/** The fit stage's inputs, validated. */
import { z } from 'zod';
import { DubarrError, optionalDocument, parseOptions, requireDocument, SynthesizedSegments, type StageInput } from '../sdk/index.js';
import { FitStageOptions } from './options.js';

export function readOptions(input: StageInput): FitStageOptions {
  return parseOptions(FitStageOptions, input, 'timing');
}

export interface SpeechInput {
  speech: SynthesizedSegments;
  /** Unit id -> path of its synthesized clip. */
  clips: Map<string, string>;
}

export function readSpeech(input: StageInput): SpeechInput {
  const speech = requireDocument(SynthesizedSegments, input, 'speech', 'SynthesizedSegments', 'timing:fit');
  const files = input.inputs.speech!.files;
  const clips = new Map<string, string>();
  for (const s of speech.segments) {
    // Unit ids name the fitted files, so they must be unique.
    if (clips.has(s.id)) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.speech has unit id '${s.id}' more than once`);
    const path = files[s.file];
    if (!path) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.speech unit '${s.id}' names file '${s.file}', which the stage did not produce`);
    clips.set(s.id, path);
  }
  return { speech, clips };
}

const ExtractDuration = z.object({ durationMs: z.number().int().nonnegative() });

/** The media's length (the last unit may not run past it), when the extract document is given. */
export function readMediaEndMs(input: StageInput): number | undefined {
  const durationMs = optionalDocument(ExtractDuration, input, 'extract', 'an extract document with the media duration')?.durationMs;
  return durationMs ? durationMs : undefined;
}
