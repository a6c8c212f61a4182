import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';

const MiB = 1 << 20;

/** A file of `size` random bytes (incompressible, so no layer can shortcut the copy), written 8 MiB at a time. */
export async function writeRandom(path: string, size: number): Promise<void> {
  const f = await open(path, 'w');
  try {
    for (let left = size; left > 0; left -= 8 * MiB) await f.write(randomBytes(Math.min(8 * MiB, left)));
  } finally {
    await f.close();
  }
}
