/**
 * A paid prediction's outputs as one cache entry (provider-cache.ts stores one buffer a unit):
 * a 4-byte length, a JSON header (what was billed, each file's extension and size), then the
 * files' bytes. A resumed job unpacks it instead of paying for the prediction again.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

export interface OutputRecord {
  /** Units billed for the prediction (its predict seconds, or 1 prediction). */
  billed: number;
  prediction: string;
  files: string[];
}

interface Header {
  billed: number;
  prediction: string;
  files: Array<{ ext: string; size: number }>;
}

export async function packOutputs(r: OutputRecord): Promise<Buffer> {
  const bodies = await Promise.all(r.files.map((f) => readFile(f)));
  const header: Header = { billed: r.billed, prediction: r.prediction, files: r.files.map((f, i) => ({ ext: extname(f), size: bodies[i]!.length })) };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([len, json, ...bodies]);
}

/** Writes the files into `dir` as `<name>-<i><ext>`; undefined for a record that does not parse (rebought). */
export async function unpackOutputs(buf: Buffer, dir: string, name: string): Promise<OutputRecord | undefined> {
  try {
    const len = buf.readUInt32BE(0);
    const header = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as Header;
    let at = 4 + len;
    const files: string[] = [];
    for (const [i, f] of header.files.entries()) {
      if (!/^(\.[a-z0-9]{1,5})?$/i.test(f.ext) || at + f.size > buf.length) return undefined;
      const file = join(dir, `${name}-${i}${f.ext}`);
      await writeFile(file, buf.subarray(at, at + f.size));
      at += f.size;
      files.push(file);
    }
    return { billed: header.billed, prediction: header.prediction, files };
  } catch {
    return undefined;
  }
}
