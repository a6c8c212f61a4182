/**
 * Audio decoding: one stream, resampled and converted, on the video's timeline (sample 0 is
 * the container's start, so audio that starts late begins with silence). As a WAV file
 * (decodeToWav) or as PCM chunks with bounded memory (openAudioStream / decodeAudio).
 */
import { binding, type RawAudioStream, type RawChunk, type RawSourceInfo } from './binding.js';
import { captureCallSite, fromNative, invalidArgument, withCallSite, type CallSite } from './errors.js';
import { callNative, callNativeSync, checkOperationOptions, type OperationOptions } from './run.js';
import { CancelScope, checkCancelOptions, type CancelOptions } from './cancel.js';
import { sourceSpec, type AudioConversion, type AudioStreamSelector } from './source.js';
import { oneOf, optionalNumber, requirePath } from './validate.js';

export type PcmFormat = 's16' | 'f32';

export interface DecodeOptions extends AudioStreamSelector, AudioConversion {
  /** Interleaved signed 16-bit (default) or 32-bit float. */
  format?: PcmFormat;
}

export interface DecodedAudioInfo {
  streamIndex: number;
  codec: string;
  sampleRate: number;
  channels: number;
  channelLayout: string;
  format: PcmFormat;
  sourceSampleRate: number;
  sourceChannelLayout: string;
  /** The container's start time: timeline 0 in file timestamps, seconds. */
  timelineStart: number;
  /** Where the stream's first sound sits on the timeline, seconds. */
  streamStart: number;
  /** Timeline length from the container, when known. */
  duration: number | null;
  /** True when centerOnly found a centre channel; false means a mono downmix was used. */
  centerExtracted: boolean;
}

export interface DecodeResult extends DecodedAudioInfo {
  path: string;
  /** Samples per channel written. */
  samples: number;
  durationSeconds: number;
  /** Damaged packets skipped (0 for a clean file). */
  decodeErrors: number;
}

function toInfo(raw: RawSourceInfo): DecodedAudioInfo {
  return {
    streamIndex: raw.streamIndex,
    codec: raw.codec,
    sampleRate: raw.sampleRate,
    channels: raw.channels,
    channelLayout: raw.channelLayout,
    format: raw.sampleFormat === 'f32' ? 'f32' : 's16',
    sourceSampleRate: raw.sourceSampleRate,
    sourceChannelLayout: raw.sourceChannelLayout,
    timelineStart: raw.timelineStart,
    streamStart: raw.streamStart,
    duration: raw.duration,
    centerExtracted: raw.centerExtracted,
  };
}

function decodeArgs(input: string, out: string, opts: DecodeOptions, where: string) {
  const format = oneOf(opts.format, ['s16', 'f32'] as const, `${where}: format`) ?? 's16';
  return { source: sourceSpec(input, opts, where, format), out: requirePath(out, `${where}: out`) };
}

export async function decodeToWav(input: string, out: string, opts: DecodeOptions & OperationOptions = {}): Promise<DecodeResult> {
  const site = captureCallSite(decodeToWav);
  checkOperationOptions(opts, 'decodeToWav');
  const args = decodeArgs(input, out, opts, 'decodeToWav');
  const raw = await callNative(binding.decodeToWav, args, opts, site);
  return { ...toInfo(raw), path: args.out, samples: raw.samples, durationSeconds: raw.samples / raw.sampleRate, decodeErrors: raw.decodeErrors };
}

export function decodeToWavSync(input: string, out: string, opts: DecodeOptions & OperationOptions = {}): DecodeResult {
  const site = captureCallSite(decodeToWavSync);
  checkOperationOptions(opts, 'decodeToWavSync');
  const args = decodeArgs(input, out, opts, 'decodeToWavSync');
  const raw = callNativeSync(binding.decodeToWavSync, args, opts, site);
  return { ...toInfo(raw), path: args.out, samples: raw.samples, durationSeconds: raw.samples / raw.sampleRate, decodeErrors: raw.decodeErrors };
}

// ---------------------------------------------------------------------------------------------
// Streaming

export interface PcmChunk {
  /** Interleaved samples in the stream's format. */
  data: Buffer;
  /** Samples per channel in `data`. */
  samples: number;
  /** Timeline position of the first sample, seconds. */
  time: number;
}

export interface AudioStreamOptions extends DecodeOptions, CancelOptions {
  /** Chunk length in seconds (default 1); the last chunk may be shorter. */
  chunkSeconds?: number;
}

/** A view of a chunk's samples; copies only when the buffer is not aligned for the type. */
export function pcmSamples(chunk: PcmChunk, format: PcmFormat): Int16Array | Float32Array {
  const width = format === 'f32' ? Float32Array.BYTES_PER_ELEMENT : Int16Array.BYTES_PER_ELEMENT;
  const aligned = chunk.data.byteOffset % width === 0 ? chunk.data : Buffer.from(chunk.data);
  const count = aligned.byteLength / width;
  return format === 'f32'
    ? new Float32Array(aligned.buffer, aligned.byteOffset, count)
    : new Int16Array(aligned.buffer, aligned.byteOffset, count);
}

function streamArgs(input: string, opts: AudioStreamOptions, where: string) {
  checkCancelOptions(opts, where);
  const format = oneOf(opts.format, ['s16', 'f32'] as const, `${where}: format`) ?? 's16';
  const chunkSeconds = optionalNumber(opts.chunkSeconds, `${where}: chunkSeconds`, 0.01, 60) ?? 1;
  return { source: sourceSpec(input, opts, where, format), chunkSeconds };
}

abstract class AudioStreamBase {
  protected readonly native: RawAudioStream;
  protected readonly scope: CancelScope;
  protected closed = false;
  info!: DecodedAudioInfo;

  protected constructor(args: ReturnType<typeof streamArgs>, opts: CancelOptions) {
    this.scope = new CancelScope(opts);
    this.native = new binding.AudioStream(args, this.scope.flags);
  }

  /** Stops decoding and frees native memory now (also done at the end and on errors). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close();
    this.scope.dispose();
  }

  protected chunk(raw: RawChunk | null): PcmChunk | null {
    if (raw === null) {
      this.close();
      return null;
    }
    return { data: raw.data, samples: raw.samples, time: raw.time };
  }

  protected failed(e: unknown, site: CallSite): Error {
    this.close();
    return fromNative(e, site);
  }
}

/** Async PCM stream: the native side decodes the next chunk only when asked (backpressure). */
export class AudioStream extends AudioStreamBase implements AsyncIterable<PcmChunk> {
  private reading = false;

  private constructor(args: ReturnType<typeof streamArgs>, opts: CancelOptions) {
    super(args, opts);
  }

  static async open(input: string, opts: AudioStreamOptions = {}): Promise<AudioStream> {
    const site = captureCallSite(AudioStream.open);
    const stream = new AudioStream(streamArgs(input, opts, 'openAudioStream'), opts);
    try {
      stream.scope.throwIfCancelled();
      stream.info = toInfo(await stream.native.open());
      return stream;
    } catch (e) {
      throw stream.failed(e, site);
    }
  }

  /** The next chunk, or null at the end. Calls must not overlap. */
  async read(): Promise<PcmChunk | null> {
    const site = captureCallSite(this.read);
    if (this.closed) return null;
    if (this.reading) throw withCallSite(invalidArgument('AudioStream.read: the previous read has not finished'), site);
    this.reading = true;
    try {
      return this.chunk(await this.native.read());
    } catch (e) {
      throw this.failed(e, site);
    } finally {
      this.reading = false;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PcmChunk> {
    try {
      for (let c = await this.read(); c !== null; c = await this.read()) yield c;
    } finally {
      this.close();
    }
  }
}

/** Sync PCM stream for worker threads; cancel through `cancelFlag` from another thread. */
export class AudioStreamSync extends AudioStreamBase implements Iterable<PcmChunk> {
  private constructor(args: ReturnType<typeof streamArgs>, opts: CancelOptions) {
    super(args, opts);
  }

  static open(input: string, opts: AudioStreamOptions = {}): AudioStreamSync {
    const site = captureCallSite(AudioStreamSync.open);
    const stream = new AudioStreamSync(streamArgs(input, opts, 'openAudioStreamSync'), opts);
    try {
      stream.scope.throwIfCancelled();
      stream.info = toInfo(stream.native.openSync());
      return stream;
    } catch (e) {
      throw stream.failed(e, site);
    }
  }

  readSync(): PcmChunk | null {
    const site = captureCallSite(this.readSync);
    if (this.closed) return null;
    try {
      return this.chunk(this.native.readSync());
    } catch (e) {
      throw this.failed(e, site);
    }
  }

  *[Symbol.iterator](): Iterator<PcmChunk> {
    try {
      for (let c = this.readSync(); c !== null; c = this.readSync()) yield c;
    } finally {
      this.close();
    }
  }
}

export function openAudioStream(input: string, opts: AudioStreamOptions = {}): Promise<AudioStream> {
  return AudioStream.open(input, opts);
}

export function openAudioStreamSync(input: string, opts: AudioStreamOptions = {}): AudioStreamSync {
  return AudioStreamSync.open(input, opts);
}

/** PCM chunks of one audio stream; the stream is closed when the loop ends or breaks. */
export async function* decodeAudio(input: string, opts: AudioStreamOptions = {}): AsyncGenerator<PcmChunk, void, undefined> {
  const stream = await AudioStream.open(input, opts);
  yield* stream;
}
