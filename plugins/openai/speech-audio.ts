/**
 * The audio /audio/speech answers, as float samples: 'pcm' is raw signed 16-bit little-endian
 * mono at the server's rate (OpenAI: 24 kHz), 'wav' a RIFF/WAVE file (16-bit or float PCM).
 */
import { DubarrError } from '../sdk/index.js';
import type { SpokenAudio } from '../sdk/synthesis-units.js';
import { parseWavHeader } from '../sdk/wav.js';

export function decodeSpeech(body: Buffer, format: 'pcm' | 'wav', pcmSampleRate: number, where: string): SpokenAudio {
  if (format === 'pcm') {
    if (body.length % 2 !== 0 || looksLikeText(body)) {
      throw new DubarrError('E_PROVIDER_FAILED', `${where} answered ${body.length} bytes that are not 16-bit PCM; if the server cannot send raw PCM, set plugins.options.openai.speechFormat: wav`);
    }
    return { samples: s16ToFloat(body, 1, 0, body.length / 2), sampleRate: pcmSampleRate };
  }
  let info;
  try {
    info = parseWavHeader(body, where);
  } catch {
    throw new DubarrError('E_PROVIDER_FAILED', `${where} answered ${body.length} bytes that are not a PCM WAV file`);
  }
  const frames = Math.min(info.frames, Math.floor((body.length - info.dataOffset) / ((info.bitsPerSample / 8) * info.channels)));
  const samples = info.format === 's16'
    ? s16ToFloat(body, info.channels, info.dataOffset, frames)
    : f32ToFloat(body, info.channels, info.dataOffset, frames);
  return { samples, sampleRate: info.sampleRate };
}

/** An error page or JSON where audio should be: audio bytes are never all printable. */
function looksLikeText(b: Buffer): boolean {
  const head = b.subarray(0, 64).toString('latin1');
  return /^\s*[{<]/.test(head);
}

function s16ToFloat(b: Buffer, channels: number, offset: number, frames: number): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += b.readInt16LE(offset + (i * channels + c) * 2);
    out[i] = sum / channels / 32768;
  }
  return out;
}

function f32ToFloat(b: Buffer, channels: number, offset: number, frames: number): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += b.readFloatLE(offset + (i * channels + c) * 4);
    out[i] = sum / channels;
  }
  return out;
}
