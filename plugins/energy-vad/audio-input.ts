import { z } from 'zod';
import { DubarrError, type StageInput } from '../sdk/index.js';
import { WavReader } from '../sdk/wav-stream.js';
import { EnergyVadOptions } from './options.js';

export function readOptions(input: StageInput): EnergyVadOptions {
  const r = EnergyVadOptions.safeParse(input.options ?? {});
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `energy-vad options: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** inputs.audio.files.audio: the analysis WAV the extract stage writes (any rate works here). */
export async function openAudio(input: StageInput): Promise<WavReader> {
  const path = input.inputs.audio?.files?.audio;
  if (typeof path !== 'string' || path === '') {
    throw new DubarrError('E_INVALID_ARGUMENT', 'energy-vad needs inputs.audio with files.audio (a WAV from the extract stage)');
  }
  return WavReader.open(path);
}
