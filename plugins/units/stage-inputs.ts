/** The segment stage's inputs, validated against the artifact schemas. */
import { optionalDocument, parseOptions, requireDocument, SpeechSegments, Transcript, type StageInput } from '../sdk/index.js';
import { UnitsOptions } from './options.js';

export const readOptions = (input: StageInput): UnitsOptions => parseOptions(UnitsOptions, input, 'units');

export const readTranscript = (input: StageInput): Transcript =>
  requireDocument(Transcript, input, 'transcript', 'a Transcript', 'units:segment');

export const readSpeech = (input: StageInput): SpeechSegments | undefined =>
  optionalDocument(SpeechSegments, input, 'vad', 'a SpeechSegments document');
