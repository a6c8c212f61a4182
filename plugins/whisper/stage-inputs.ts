/** The whisper stages' inputs, validated, and the model opened. */
import { DubarrError, languageParam, optionalDocument, parseOptions, SpeechSegments, type StageInput } from '../sdk/index.js';
import { WavReader } from '../sdk/wav-stream.js';
import { toWhisperCode } from './language-id.js';
import { WhisperOptions } from './options.js';
import type { WhisperRuntime } from './whisper-runtime.js';

export const readOptions = (input: StageInput): WhisperOptions => parseOptions(WhisperOptions, input, 'whisper');

export const readVad = (input: StageInput): SpeechSegments | undefined =>
  optionalDocument(SpeechSegments, input, 'vad', 'a SpeechSegments document');

/** The analysis track (16 kHz mono WAV), open for windowed reading; the caller closes it. */
export async function openAudio(input: StageInput, stage: string): Promise<WavReader> {
  const path = input.inputs.audio?.files.audio;
  if (!path) throw new DubarrError('E_INVALID_ARGUMENT', `${stage} needs inputs.audio with files.audio (a 16 kHz mono WAV)`);
  const reader = await WavReader.open(path);
  const { sampleRate, channels } = reader.info;
  if (sampleRate !== 16000 || channels !== 1) {
    await reader.close();
    throw new DubarrError('E_INVALID_ARGUMENT',
      `${path} is ${sampleRate} Hz, ${channels} channel(s); Whisper needs 16 kHz mono (the extract stage's analysis track)`);
  }
  return reader;
}

/**
 * The model's code for the source language when one is given; undefined to detect it. A
 * language the model does not know is a clear error, not a guess.
 */
export function requestedLanguage(input: StageInput, rt: WhisperRuntime): string | undefined {
  const tag = languageParam(input, 'sourceLanguage');
  if (!tag) return undefined;
  const c = rt.config;
  if (!c.multilingual) {
    if (toWhisperCode(tag, new Map([['en', 0]])) === 'en') return 'en';
    throw new DubarrError('E_LANGUAGE_UNSUPPORTED', `the whisper model ${rt.model.id} is English-only and the source is '${tag}': pull a multilingual model (whisper-base, whisper-small)`, { details: { language: tag } });
  }
  const code = toWhisperCode(tag, c.languages);
  if (!code) {
    throw new DubarrError('E_LANGUAGE_UNSUPPORTED', `the whisper model ${rt.model.id} does not know the language '${tag}'; use another transcribe provider or subtitles for it`, { details: { language: tag } });
  }
  return code;
}

