/** The transcribe stage's inputs, validated. */
import { DubarrError, languageParam, lookupLanguage, optionalDocument, parseOptions, SpeechSegments, type StageInput } from '../sdk/index.js';
import { readWavInfo, type WavInfo } from '../sdk/wav.js';
import { PocketsphinxOptions } from './options.js';

export const readOptions = (input: StageInput): PocketsphinxOptions => parseOptions(PocketsphinxOptions, input, 'pocketsphinx');

/**
 * Only the US English model is packaged. An unset or unknown ('und') source language is taken
 * as English: the runtime only picks this recognizer for a job whose audio is not tagged (or
 * hinted) as another language, and the job's source-language step reports the assumption.
 */
export function requireEnglish(input: StageInput): void {
  const lang = lookupLanguage(languageParam(input, 'sourceLanguage'));
  if (!lang) return;
  if (lang.code !== 'en') {
    throw new DubarrError('E_LANGUAGE_UNSUPPORTED',
      `pocketsphinx only has an English model, and the source is ${lang.name}; use subtitles or another transcribe provider for it`,
      { details: { language: lang.code } });
  }
}

export async function readAudio(input: StageInput): Promise<{ path: string; info: WavInfo }> {
  const path = input.inputs.audio?.files.audio;
  if (!path) throw new DubarrError('E_INVALID_ARGUMENT', 'pocketsphinx:transcribe needs inputs.audio with files.audio (a 16 kHz mono s16 WAV)');
  const info = await readWavInfo(path);
  if (info.sampleRate !== 16000 || info.channels !== 1 || info.format !== 's16') {
    throw new DubarrError('E_INVALID_ARGUMENT',
      `${path} is ${info.sampleRate} Hz, ${info.channels} channel(s), ${info.format}; pocketsphinx needs 16 kHz mono s16 (the extract stage's analysis track)`);
  }
  return { path, info };
}

export const readVad = (input: StageInput): SpeechSegments | undefined =>
  optionalDocument(SpeechSegments, input, 'vad', 'a SpeechSegments document');
