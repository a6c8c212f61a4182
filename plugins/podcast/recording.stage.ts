/**
 * podcast:recording-script and podcast:recording-timeline — a recorded episode (the podcast
 * preset for audio files) as the Script and the Timeline the cards and the assembly read:
 * speakers from diarization where it ran, else one; lines from the transcript where there is
 * one, else the stretches of speech; a section (and chapter) per stretch between long pauses.
 */
import { basename, extname } from 'node:path';
import { z } from 'zod';
import {
  Diarization, DubarrError, SpeechSegments, Transcript, defineStage, optionalDocument, parseOptions, type Script, type StageInput, type Timeline,
} from '../sdk/index.js';
import { PodcastOptions } from './options.js';
import { layOutRecording } from './recording-layout.js';

const Extracted = z.object({ durationMs: z.number().nonnegative() }).passthrough();

export function readRecording(input: StageInput): { script: Script; timeline: Timeline } {
  const options = parseOptions(PodcastOptions, input, 'podcast');
  const extract = optionalDocument(Extracted, input, 'extract', 'the extract step\'s document');
  if (!extract) throw new DubarrError('E_INVALID_ARGUMENT', 'the podcast recording steps need inputs.extract');
  // An optional step that was skipped (no recognizer, no diarization models) hands on no document.
  const present = (name: string) => (input.inputs[name]?.data ? name : '__absent__');
  return layOutRecording({
    title: basename(input.inputs.source!.files.media!, extname(input.inputs.source!.files.media!)),
    durationMs: Math.round(extract.durationMs),
    fps: options.fps,
    minSectionMs: options.minSectionSeconds * 1000,
    transcript: optionalDocument(Transcript, input, present('text'), 'a Transcript'),
    diarization: optionalDocument(Diarization, input, present('diarization'), 'a Diarization'),
    speech: optionalDocument(SpeechSegments, input, present('vad'), 'SpeechSegments'),
  });
}

export const recordingScript = defineStage<unknown, Script>(async (input) => ({ data: readRecording(input).script }));
export const recordingTimeline = defineStage<unknown, Timeline>(async (input) => ({ data: readRecording(input).timeline }));
