/**
 * Writes a decode run's audio as raw 16 kHz s16 mono PCM: its regions cut from the source
 * WAV with silent gaps between (the whole track is one region without VAD). A file rather than a pipe: pocketsphinx_continuous opens
 * -infile by name, and /dev/stdin cannot be opened on the socket Node gives a child.
 */
import { open } from 'node:fs/promises';
import { throwIfCancelled, type Cancellation } from '../sdk/index.js';
import type { WavInfo } from '../sdk/wav.js';
import { GAP_MS, type DecodeRun } from './speech-plan.js';

const BYTES_PER_MS = 32; // 16 samples of 2 bytes
const CHUNK = 1 << 20;

export async function writeRunStream(source: string, info: WavInfo, run: DecodeRun, target: string, cancel: Cancellation): Promise<void> {
  const src = await open(source, 'r');
  const dst = await open(target, 'w');
  try {
    const gap = Buffer.alloc(GAP_MS * BYTES_PER_MS);
    const buf = Buffer.alloc(CHUNK);
    for (const [i, r] of run.regions.entries()) {
      if (i > 0) await dst.write(gap);
      const from = info.dataOffset + Math.min(info.dataBytes, r.start * BYTES_PER_MS);
      const to = info.dataOffset + Math.min(info.dataBytes, r.end * BYTES_PER_MS);
      for (let pos = from; pos < to; pos += CHUNK) {
        throwIfCancelled(cancel);
        const { bytesRead } = await src.read(buf, 0, Math.min(CHUNK, to - pos), pos);
        if (bytesRead === 0) break;
        await dst.write(buf.subarray(0, bytesRead));
      }
    }
  } finally {
    await Promise.all([src.close(), dst.close()]);
  }
}
