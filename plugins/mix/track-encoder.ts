/**
 * Feeds the rendered track to the native encoder as it is produced. The PCM goes through a
 * named pipe that encodeAudio reads on a libuv thread, so a two-hour 5.1 film needs neither
 * memory nor 8 GB of scratch disk for it. Where a pipe cannot be made (mkfifo missing, a file
 * system without FIFOs) the PCM goes to a WAV file in the work dir, encoded at the end.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeAudio, type AudioEncoding, type EncodeResult } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/index.js';
import { floatWavHeader } from '../sdk/float-wav-header.js';

export interface TrackFormat { sampleRate: number; channels: number; mask: number }

export interface TrackSink {
  readonly via: 'pipe' | 'file';
  write(block: Float32Array, frames: number): Promise<void>;
  /** Ends the stream and waits for the encoded file. */
  finish(): Promise<EncodeResult>;
  /** Stops after a failure or a cancel; never throws. */
  abort(): Promise<void>;
}

export async function openTrackSink(workDir: string, out: string, format: TrackFormat, encoding: AudioEncoding, cancelFlag: Int32Array): Promise<TrackSink> {
  const fifo = join(workDir, 'mix.pcm.fifo');
  try {
    execFileSync('mkfifo', ['-m', '600', fifo], { stdio: 'ignore' });
  } catch {
    return fileSink(join(workDir, 'mix.wav'), out, format, encoding, cancelFlag);
  }
  return pipeSink(fifo, out, format, encoding, cancelFlag);
}

async function pipeSink(fifo: string, out: string, format: TrackFormat, encoding: AudioEncoding, cancelFlag: Int32Array): Promise<TrackSink> {
  const encoded = encodeAudio(fifo, out, { ...encoding, cancelFlag });
  encoded.catch(() => { /* observed where it is awaited */ });
  // Opening a pipe for writing blocks until the encoder opens it for reading; if the encoder
  // fails before that, open the read end ourselves so the stuck open returns.
  const opening = open(fifo, 'w');
  const endedFirst = encoded.then(() => { throw new DubarrError('E_INTERNAL', 'the encoder finished before reading the track'); });
  endedFirst.catch(() => undefined);
  let fh: FileHandle;
  try {
    fh = await Promise.race([opening, endedFirst]);
  } catch (e) {
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    await opening.then((h) => h.close(), () => undefined);
    closeSync(reader);
    throw DubarrError.from(e);
  }
  let failed = false;
  const encoderError = async (e: unknown): Promise<never> => {
    failed = true;
    await fh.close().catch(() => undefined);
    // EPIPE means the encoder stopped reading: its own error says why.
    throw DubarrError.from(await encoded.then(() => e, (err: unknown) => err));
  };
  const write = (buf: Buffer) => writeAll(fh, buf).catch(encoderError);
  await write(floatWavHeader(format.sampleRate, format.channels, format.mask));
  return {
    via: 'pipe',
    write: (block, frames) => write(Buffer.from(block.buffer, block.byteOffset, frames * format.channels * 4)),
    async finish() {
      await fh.close();
      return encoded.catch((e: unknown) => { throw DubarrError.from(e); });
    },
    async abort() {
      if (!failed) await fh.close().catch(() => undefined);
      await encoded.catch(() => undefined);
    },
  };
}

async function fileSink(path: string, out: string, format: TrackFormat, encoding: AudioEncoding, cancelFlag: Int32Array): Promise<TrackSink> {
  const fh = await open(path, 'w');
  let bytes = 0;
  await fh.write(floatWavHeader(format.sampleRate, format.channels, format.mask));
  return {
    via: 'file',
    async write(block, frames) {
      const n = frames * format.channels * 4;
      await writeAll(fh, Buffer.from(block.buffer, block.byteOffset, n));
      bytes += n;
    },
    async finish() {
      await fh.write(floatWavHeader(format.sampleRate, format.channels, format.mask, bytes), 0, undefined, 0);
      await fh.close();
      try {
        return await encodeAudio(path, out, { ...encoding, cancelFlag });
      } finally {
        await rm(path, { force: true });
      }
    },
    async abort() {
      await fh.close().catch(() => undefined);
      await rm(path, { force: true });
    },
  };
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  for (let done = 0; done < buf.length;) done += (await fh.write(buf, done)).bytesWritten;
}
