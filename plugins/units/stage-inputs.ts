/** The segment stage's inputs, validated against the artifact schemas. */
import { Diarization, optionalDocument, parseOptions, requireDocument, SpeechSegments, Transcript, type StageInput } from '../sdk/index.js';
import { UnitsOptions } from './options.js';

export const readOptions = (input: StageInput): UnitsOptions => parseOptions(UnitsOptions, input, 'units');

export const readTranscript = (input: StageInput): Transcript =>
  requireDocument(Transcript, input, 'transcript', 'a Transcript', 'units:segment');

export const readSpeech = (input: StageInput): SpeechSegments | undefined =>
  optionalDocument(SpeechSegments, input, 'vad', 'a SpeechSegments document');

/** Who speaks when, from the dub preset's speakers step; a skipped step (no diarization models) leaves null. */
export function readDiarization(input: StageInput): Diarization | undefined {
  if (input.inputs.diarization?.data === null) return undefined;
  return optionalDocument(Diarization, input, 'diarization', 'a Diarization document');
}
