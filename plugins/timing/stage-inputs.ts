/** The fit stage's inputs, validated. */
import { z } from 'zod';
import { DubarrError, SynthesizedSegments, type StageInput } from '../sdk/index.js';
import { FitStageOptions } from './options.js';

export function readOptions(input: StageInput): FitStageOptions {
  const r = FitStageOptions.safeParse(input.options ?? {});
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `timing options: ${z.prettifyError(r.error)}`);
  return r.data;
}

export interface SpeechInput {
  speech: SynthesizedSegments;
  /** Unit id -> path of its synthesized clip. */
  clips: Map<string, string>;
}

export function readSpeech(input: StageInput): SpeechInput {
  const out = input.inputs.speech;
  if (!out) throw new DubarrError('E_INVALID_ARGUMENT', 'timing:fit needs inputs.speech (SynthesizedSegments)');
  const r = SynthesizedSegments.safeParse(out.data);
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.speech is not SynthesizedSegments: ${z.prettifyError(r.error)}`);
  const clips = new Map<string, string>();
  for (const s of r.data.segments) {
    // Unit ids name the fitted files, so they must be unique.
    if (clips.has(s.id)) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.speech has unit id '${s.id}' more than once`);
    const path = out.files[s.file];
    if (!path) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.speech unit '${s.id}' names file '${s.file}', which the stage did not produce`);
    clips.set(s.id, path);
  }
  return { speech: r.data, clips };
}

const ExtractDuration = z.object({ durationMs: z.number().int().nonnegative() });

/** The media's length (the last unit may not run past it), when the extract document is given. */
export function readMediaEndMs(input: StageInput): number | undefined {
  const out = input.inputs.extract;
  if (!out) return undefined;
  const r = ExtractDuration.safeParse(out.data);
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.extract has no media duration: ${z.prettifyError(r.error)}`);
  return r.data.durationMs > 0 ? r.data.durationMs : undefined;
}
