import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EngineFingerprint, StageOutput } from '../../plugins/sdk/plugin.js';

/**
 * Finished stage results keyed by (stage id, plugin code identity, engine fingerprint, options,
 * params, input hashes). An entry is a directory <dir>/<key[0..2]>/<key>/ with the result files
 * and manifest.json; it appears atomically (built in <dir>/.tmp, then renamed), so a crash never
 * leaves half an entry. The cache doubles as the job checkpoint: a restarted job finds its
 * finished stages here.
 */
export interface CacheKeyParts {
  stageId: string;
  /** The plugin's code identity (core/plugin-host/code-identity.ts). */
  code: string;
  /** What the provider reports for the step (PluginDefinition.engine). */
  engine: EngineFingerprint;
  options: unknown;
  params: unknown;
  /** input name -> content hash */
  inputs: Record<string, string>;
  /** Files the stage reads besides its inputs (StageDefinition.externalInputs). */
  external?: Record<string, string>;
}

interface Manifest {
  key: string;
  stageId: string;
  files: Record<string, string>;
  data: unknown;
  hash: string;
  sizeBytes: number;
  createdAt: number;
}

/** JSON with object keys sorted, so equal values give equal keys whatever their key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : val);
}

export function cacheKey(p: CacheKeyParts): string {
  return createHash('sha256').update(canonicalJson(['dubarr-stage-v2', p.stageId, p.code, p.engine, p.options, p.params, p.inputs, p.external ?? null])).digest('hex');
}

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface CacheEntryInfo { key: string; dir: string; sizeBytes: number; lastUsed: number }

export interface StageCacheOptions {
  /** Told of every new entry and its size on disk (files + manifest): the runtime's cache index. */
  onStored?(key: string, sizeBytes: number): void;
}

export class StageCache {
  /** Shard dirs known to exist; saves a mkdir per put. Eviction never removes shards. */
  private readonly shards = new Set<string>();

  constructor(readonly dir: string, private readonly opts: StageCacheOptions = {}) {}

  private entryDir(key: string): string { return join(this.dir, key.slice(0, 2), key); }

  async get(key: string): Promise<StageOutput | undefined> {
    const dir = this.entryDir(key);
    let m: Manifest;
    try {
      m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    } catch {
      return undefined;
    }
    return { files: Object.fromEntries(Object.entries(m.files).map(([n, f]) => [n, join(dir, f)])), data: m.data, hash: m.hash };
  }

  /** Whether the entry is there now. Synchronous, for use inside the index's transactions. */
  hasEntrySync(key: string): boolean { return existsSync(join(this.entryDir(key), 'manifest.json')); }

  /**
   * Takes an entry out of the cache at once (an atomic rename into .trash; emptyTrash deletes
   * it later). Synchronous, so the cache index can do it inside the transaction that decided
   * no job needs the entry. False when there was no such entry.
   */
  discardSync(key: string): boolean {
    mkdirSync(join(this.dir, '.trash'), { recursive: true });
    try {
      renameSync(this.entryDir(key), join(this.dir, '.trash', `${key}-${randomBytes(4).toString('hex')}`));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  /**
   * Deletes discarded entries (and those of a process that died before deleting its own), until
   * `shouldStop` says so: what is left is deleted by the next call.
   */
  async emptyTrash(shouldStop: () => boolean = () => false): Promise<void> {
    const trash = join(this.dir, '.trash');
    for (const name of await readdir(trash).catch(() => [] as string[])) {
      if (shouldStop()) return;
      await rm(join(trash, name), { recursive: true, force: true });
    }
  }

  /**
   * Moves a stage's result files into a new entry and returns the cached output. Files must be
   * on the cache's filesystem to be moved (work dirs live under the data dir); otherwise copied.
   */
  async put(key: string, stageId: string, result: { files?: Record<string, string>; data?: unknown }): Promise<StageOutput> {
    const tmp = join(this.dir, '.tmp', `${key.slice(0, 16)}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp, { recursive: true });
    try {
      const files: Record<string, string> = {};
      const fileHashes: Record<string, string> = {};
      let sizeBytes = 0;
      for (const [name, src] of Object.entries(result.files ?? {})) {
        const rel = `${Object.keys(files).length}-${basename(src)}`;
        await rename(src, join(tmp, rel)).catch(async (e: NodeJS.ErrnoException) => {
          if (e.code !== 'EXDEV') throw e;
          await copyFile(src, join(tmp, rel));
        });
        files[name] = rel;
        fileHashes[name] = await hashFile(join(tmp, rel));
        sizeBytes += (await stat(join(tmp, rel))).size;
      }
      const data = result.data ?? null;
      const hash = createHash('sha256').update(canonicalJson({ data, files: fileHashes })).digest('hex');
      const manifest = JSON.stringify({ key, stageId, files, data, hash, sizeBytes, createdAt: Date.now() } satisfies Manifest);
      await writeFile(join(tmp, 'manifest.json'), manifest);
      const final = this.entryDir(key);
      const shard = join(final, '..');
      if (!this.shards.has(shard)) { await mkdir(shard, { recursive: true }); this.shards.add(shard); }
      try {
        await rename(tmp, final);
      } catch (e) {
        // Another run finished the same key first; its entry is equivalent.
        if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        await rm(tmp, { recursive: true, force: true });
      }
      this.opts.onStored?.(key, sizeBytes + Buffer.byteLength(manifest));
      return { files: Object.fromEntries(Object.entries(files).map(([n, f]) => [n, join(final, f)])), data, hash };
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * Half-built entries of runs that died; an hour old means no live run owns them (another
   * process may be writing). Until `shouldStop` says so.
   */
  async removeStaleTemp(shouldStop: () => boolean = () => false): Promise<void> {
    const tmp = join(this.dir, '.tmp');
    for (const name of await readdir(tmp).catch(() => [] as string[])) {
      if (shouldStop()) return;
      const st = await stat(join(tmp, name)).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 3_600_000) await rm(join(tmp, name), { recursive: true, force: true });
    }
  }

  /**
   * Every entry on disk with its size (files + manifest) and the time it was written: a walk of
   * the whole cache, for reconciling the cache index at start, not for each prune. A walk that
   * `shouldStop` cut short returns what it had read: the caller, who asked, knows not to use it.
   */
  async entries(shouldStop: () => boolean = () => false): Promise<CacheEntryInfo[]> {
    const out: CacheEntryInfo[] = [];
    for (const shard of await readdir(this.dir).catch(() => [] as string[])) {
      if (shard.startsWith('.')) continue;
      if (shouldStop()) return out;
      for (const key of await readdir(join(this.dir, shard)).catch(() => [] as string[])) {
        const dir = join(this.dir, shard, key);
        try {
          const mpath = join(dir, 'manifest.json');
          const [text, st] = await Promise.all([readFile(mpath, 'utf8'), stat(mpath)]);
          out.push({ key, dir, sizeBytes: (JSON.parse(text) as Manifest).sizeBytes + st.size, lastUsed: st.mtimeMs });
        } catch {
          out.push({ key, dir, sizeBytes: 0, lastUsed: 0 }); // unreadable: first to go
        }
      }
    }
    return out;
  }
}
