/** The segment stage's inputs, validated against the artifact schemas. */
import { z } from 'zod';
import { DubarrError, SpeechSegments, Transcript, type StageInput } from '../sdk/index.js';
import { UnitsOptions } from './options.js';

export function readOptions(input: StageInput): UnitsOptions {
  const r = UnitsOptions.safeParse(input.options ?? {});
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `units options: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function readTranscript(input: StageInput): Transcript {
  const t = input.inputs.transcript;
  if (!t) throw new DubarrError('E_INVALID_ARGUMENT', 'units:segment needs inputs.transcript (a Transcript)');
  const r = Transcript.safeParse(t.data);
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.transcript is not a Transcript: ${z.prettifyError(r.error)}`);
  return r.data;
}

export function readSpeech(input: StageInput): SpeechSegments | undefined {
  const v = input.inputs.vad;
  if (!v) return undefined;
  const r = SpeechSegments.safeParse(v.data);
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.vad is not a SpeechSegments document: ${z.prettifyError(r.error)}`);
  return r.data;
}
