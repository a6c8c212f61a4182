/** The diarize plugin's stage inputs, validated. */
import { Diarization, DubarrError, optionalDocument, parseOptions, SpeechSegments, type StageInput } from '../sdk/index.js';
import { WavReader } from '../sdk/wav-stream.js';
import { DiarizeOptions } from './options.js';
import { SAMPLE_RATE } from './diarize-track.js';

export const readOptions = (input: StageInput): DiarizeOptions => parseOptions(DiarizeOptions, input, 'diarize');

/** inputs.audio.files.audio: the 16 kHz mono analysis WAV of the extract step. */
export async function openAudio(input: StageInput): Promise<WavReader> {
  const path = input.inputs.audio?.files?.audio;
  if (typeof path !== 'string' || path === '') {
    throw new DubarrError('E_INVALID_ARGUMENT', 'diarize needs inputs.audio with files.audio (the 16 kHz WAV of the extract step)');
  }
  const reader = await WavReader.open(path);
  if (reader.info.sampleRate !== SAMPLE_RATE) {
    await reader.close();
    throw new DubarrError('E_MEDIA_UNREADABLE', `${path}: diarization needs 16000 Hz audio, got ${reader.info.sampleRate} Hz; extract the analysis track at 16 kHz`);
  }
  return reader;
}

/** Where the VAD heard speech; without a vad input, the whole track is looked at. */
export const readSpeech = (input: StageInput): SpeechSegments | undefined =>
  optionalDocument(SpeechSegments, input, 'vad', 'a SpeechSegments document');

/** The diarize step's document for identify-speakers; null (a skipped step) is undefined. */
export function readDiarization(input: StageInput): Diarization | undefined {
  if (input.inputs.diarization?.data === null) return undefined;
  const d = optionalDocument(Diarization, input, 'diarization', 'a Diarization document');
  if (!d) throw new DubarrError('E_INVALID_ARGUMENT', 'identify-speakers needs inputs.diarization (the diarize step\'s document)');
  return d;
}

/** The job's source file (its folder is the series whose library names the speakers). */
export function readSourcePath(input: StageInput): string | undefined {
  const path = input.inputs.source?.files?.media;
  return typeof path === 'string' && path !== '' ? path : undefined;
}
