/**
 * Identities of files for cache keys: a user's media file (the job's source) and the files an
 * engine depends on (model weights, language data, the engine's own binary).
 *
 * A fingerprint is size + modification time + a hash of sampled regions (the whole file when
 * it is small). Hashing a 40 GB remux or a 30 MB language model in full would cost seconds of
 * disk reads per job. An edit changes the size, the mtime (every editor, copy or package
 * upgrade sets it) or a sampled region; only an edit that keeps size and mtime (a deliberate
 * `touch -d` back) and falls between samples goes unnoticed.
 */
import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

const BLOCK = 1 << 20;
const SAMPLES = 8;

/** size:mtime:hash of the file (see the module comment). */
export async function fingerprintFile(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat({ bigint: true });
    const h = createHash('sha256');
    if (st.size <= BigInt(SAMPLES * BLOCK)) {
      h.update(await fh.readFile());
    } else {
      const size = Number(st.size);
      const buf = Buffer.alloc(BLOCK);
      for (let i = 0; i < SAMPLES; i++) {
        const { bytesRead } = await fh.read(buf, 0, BLOCK, Math.floor((i * (size - BLOCK)) / (SAMPLES - 1)));
        h.update(buf.subarray(0, bytesRead));
      }
    }
    return `${st.size}:${st.mtimeNs}:${h.digest('hex').slice(0, 32)}`;
  } finally {
    await fh.close();
  }
}

/**
 * The part of a fingerprintFile result that is the bytes (size and sampled hash), without the
 * mtime: a file touched or copied with a new mtime but the same content has the same one.
 */
export function contentOfFingerprint(fingerprint: string): string {
  const [size, , hash] = fingerprint.split(':');
  return `${size}:${hash}`;
}

/**
 * fingerprintFile for files that rarely change (models, language data, binaries), remembered
 * for the life of the process while the file's inode, size, mtime and ctime stay the same:
 * later calls cost one stat. ctime is in the memo key, not in the fingerprint, because a
 * content change always moves it, while a rename (which also moves it) must not change a key.
 */
const memo = new Map<string, { stamp: string; print: Promise<string> }>();

export async function engineFileFingerprint(path: string): Promise<string> {
  const st = await stat(path, { bigint: true });
  const stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  const hit = memo.get(path);
  if (hit?.stamp === stamp) return hit.print;
  const print = fingerprintFile(path);
  memo.set(path, { stamp, print });
  print.catch(() => { if (memo.get(path)?.print === print) memo.delete(path); });
  return print;
}

/** One digest over every file below `dir` (relative path + engineFileFingerprint), in name order. */
export async function engineTreeFingerprint(dir: string): Promise<string> {
  const h = createHash('sha256');
  const files = await listFiles(dir);
  // A few at a time: espeak-ng's data is ~500 files, and one by one the first pass takes a second.
  for (let i = 0; i < files.length; i += 16) {
    const batch = files.slice(i, i + 16);
    const prints = await Promise.all(batch.map((rel) => engineFileFingerprint(join(dir, rel))));
    batch.forEach((rel, k) => h.update(`${rel}\0${prints[k]}\n`));
  }
  return h.digest('hex').slice(0, 32);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    const isDir = e.isSymbolicLink() ? (await stat(join(dir, rel)).catch(() => undefined))?.isDirectory() : e.isDirectory();
    if (isDir) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile() || e.isSymbolicLink()) out.push(rel);
  }
  return out;
}

/**
 * The file a command name runs (a path as given; else the first match on PATH, the lookup
 * spawn() does for runTool), or undefined.
 */
export async function findExecutable(binary: string): Promise<string | undefined> {
  const candidates = isAbsolute(binary) || binary.includes('/') ? [binary]
    : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, binary));
  for (const c of candidates) {
    const st = await stat(c).catch(() => undefined);
    if (st?.isFile() && (st.mode & 0o111) !== 0) return c;
  }
  return undefined;
}

/** engineFileFingerprint of the executable a command name runs; 'missing' when there is none. */
export async function executableFingerprint(binary: string): Promise<string> {
  const path = await findExecutable(binary);
  return path ? `${path}@${await engineFileFingerprint(path)}` : 'missing';
}
