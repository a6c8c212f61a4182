import { z } from 'zod';
import { DubarrError, type StageInput } from '../sdk/index.js';
import { WavReader } from '../sdk/wav-stream.js';
import { SileroVadOptions } from './options.js';
import { SAMPLE_RATE } from './probabilities.js';

export function readOptions(input: StageInput): SileroVadOptions {
  const r = SileroVadOptions.safeParse(input.options ?? {});
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `silero-vad options: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** inputs.audio.files.audio: the 16 kHz mono analysis WAV the extract stage writes. */
export async function openAudio(input: StageInput): Promise<WavReader> {
  const path = input.inputs.audio?.files?.audio;
  if (typeof path !== 'string' || path === '') {
    throw new DubarrError('E_INVALID_ARGUMENT', 'silero-vad needs inputs.audio with files.audio (a 16 kHz WAV from the extract stage)');
  }
  const reader = await WavReader.open(path);
  if (reader.info.sampleRate !== SAMPLE_RATE) {
    await reader.close();
    throw new DubarrError('E_MEDIA_UNREADABLE', `${path}: Silero VAD needs 16000 Hz audio, got ${reader.info.sampleRate} Hz; extract the analysis track at 16 kHz`);
  }
  return reader;
}
