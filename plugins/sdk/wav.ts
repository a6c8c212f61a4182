/**
 * Minimal RIFF/WAVE reading and writing for PCM s16 and float32, the two formats stages pass
 * around (the native addon writes both). Whole-file helpers are for unit-sized audio (a dub
 * line, a 16 kHz analysis track); long audio is streamed by native/lib.
 */
import { open, readFile, writeFile } from 'node:fs/promises';
import { DubarrError } from './errors.js';

export interface WavInfo {
  sampleRate: number;
  channels: number;
  /** 16 = s16 PCM, 32 = float32 */
  bitsPerSample: 16 | 32;
  format: 's16' | 'f32';
  /** Byte offset of the sample data and its length. */
  dataOffset: number;
  dataBytes: number;
  frames: number;
  durationMs: number;
}

function bad(path: string, why: string): DubarrError {
  return new DubarrError('E_MEDIA_UNREADABLE', `${path}: not a PCM WAV file (${why})`);
}

export function parseWavHeader(buf: Buffer, path = 'wav', fileSize = buf.length): WavInfo {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad(path, 'no RIFF/WAVE header');
  }
  let off = 12;
  let fmt: { tag: number; channels: number; rate: number; bits: number } | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (body + 16 > buf.length) throw bad(path, 'short fmt chunk');
      let tag = buf.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (tag === 0xfffe && size >= 40 && body + 26 <= buf.length) tag = buf.readUInt16LE(body + 24);
      fmt = { tag, channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw bad(path, 'data before fmt');
      const isS16 = fmt.tag === 1 && fmt.bits === 16;
      const isF32 = fmt.tag === 3 && fmt.bits === 32;
      if (!isS16 && !isF32) throw bad(path, `unsupported sample format tag=${fmt.tag} bits=${fmt.bits}`);
      if (fmt.channels < 1 || fmt.rate < 1) throw bad(path, 'bad channel count or rate');
      const frameBytes = (fmt.bits / 8) * fmt.channels;
      // Streaming writers leave size 0 or 0xFFFFFFFF; trust the file size then.
      const dataBytes = size === 0 || size === 0xffffffff || body + size > fileSize ? fileSize - body : size;
      const frames = Math.floor(dataBytes / frameBytes);
      return {
        sampleRate: fmt.rate, channels: fmt.channels, bitsPerSample: fmt.bits as 16 | 32, format: isS16 ? 's16' : 'f32',
        dataOffset: body, dataBytes: frames * frameBytes, frames, durationMs: Math.round((frames * 1000) / fmt.rate),
      };
    }
    off = body + size + (size & 1);
  }
  throw bad(path, 'no data chunk');
}

export async function readWavInfo(path: string): Promise<WavInfo> {
  const fh = await open(path, 'r').catch((e: unknown) => {
    throw new DubarrError('E_INPUT_NOT_FOUND', `${path}: cannot open (${(e as Error).message})`);
  });
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, 4096));
    await fh.read(head, 0, head.length, 0);
    return parseWavHeader(head, path, size);
  } finally {
    await fh.close();
  }
}

export interface Pcm {
  sampleRate: number;
  /** One Float32Array per channel, samples in [-1, 1]. */
  channels: Float32Array[];
}

/** Reads a whole WAV file as float channels. */
export async function readWav(path: string): Promise<Pcm> {
  const buf = await readFile(path).catch((e: unknown) => {
    throw new DubarrError('E_INPUT_NOT_FOUND', `${path}: cannot read (${(e as Error).message})`);
  });
  const info = parseWavHeader(buf, path);
  const n = info.frames;
  const channels = Array.from({ length: info.channels }, () => new Float32Array(n));
  const data = buf.subarray(info.dataOffset, info.dataOffset + info.dataBytes);
  if (info.format === 's16') {
    const s = new Int16Array(data.buffer, data.byteOffset, data.byteLength >> 1);
    const view = data.byteOffset % 2 === 0 ? s : new Int16Array(Uint8Array.from(data).buffer);
    for (let i = 0, k = 0; i < n; i++) for (let c = 0; c < info.channels; c++) channels[c]![i] = view[k++]! / 32768;
  } else {
    const f = data.byteOffset % 4 === 0 ? new Float32Array(data.buffer, data.byteOffset, data.byteLength >> 2)
      : new Float32Array(Uint8Array.from(data).buffer);
    for (let i = 0, k = 0; i < n; i++) for (let c = 0; c < info.channels; c++) channels[c]![i] = f[k++]!;
  }
  return { sampleRate: info.sampleRate, channels };
}

/** Writes float channels as s16 (default) or f32 PCM WAV. */
export async function writeWav(path: string, pcm: Pcm, format: 's16' | 'f32' = 's16'): Promise<void> {
  await writeFile(path, encodeWav(pcm, format));
}

export function encodeWav(pcm: Pcm, format: 's16' | 'f32' = 's16'): Buffer {
  const ch = pcm.channels.length;
  const n = pcm.channels[0]?.length ?? 0;
  const bytes = format === 's16' ? 2 : 4;
  const buf = Buffer.alloc(44 + n * ch * bytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + n * ch * bytes, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(format === 's16' ? 1 : 3, 20);
  buf.writeUInt16LE(ch, 22);
  buf.writeUInt32LE(pcm.sampleRate, 24);
  buf.writeUInt32LE(pcm.sampleRate * ch * bytes, 28);
  buf.writeUInt16LE(ch * bytes, 32);
  buf.writeUInt16LE(bytes * 8, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(n * ch * bytes, 40);
  let off = 44;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < ch; c++) {
      const v = pcm.channels[c]![i]!;
      if (format === 's16') { buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), off); off += 2; }
      else { buf.writeFloatLE(v, off); off += 4; }
    }
  }
  return buf;
}
