/**
 * Results a cloud provider was paid for, kept on disk per unit: one line's translation, one
 * line's synthesized audio. The key is what decides the result (the text, the voice or model,
 * the settings), so a retried or resumed job, or a second target language that reuses the same
 * lines, finds what was bought and never pays twice. Secrets are not part of a key (the caller
 * leaves them out of `settings`): a new API key for the same account must not void the cache.
 *
 * The folder is `<dataDir>/provider-cache/<provider>/`; the runtime calls setProviderCacheDir
 * on its main thread and the stage pool hands the folder to each worker thread (module state
 * is per thread), as with setModelsDir.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

let currentDir: string | undefined;

export function setProviderCacheDir(dir: string): void {
  currentDir = dir;
}

/** The folder set by the runtime; ./data/provider-cache when nothing did (dataDir's default). */
export function providerCacheDir(): string {
  return currentDir ?? resolve('data', 'provider-cache');
}

export interface UnitKey {
  /** What was asked: 'translate', 'speech', 'transcribe'. */
  kind: string;
  text: string;
  /** The voice, model or target language the result depends on. */
  voice?: string;
  /** Every other setting that changes the result (formality, speed, output format), no secrets. */
  settings?: Record<string, unknown>;
}

/** JSON with object keys sorted, so equal settings give equal keys whatever their order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function unitKeyHash(key: UnitKey): string {
  return createHash('sha256').update(canonical({ kind: key.kind, text: key.text, voice: key.voice ?? null, settings: key.settings ?? {} })).digest('hex');
}

export class ProviderResultCache {
  /** Computations in progress in this thread, so two callers of one key pay once. */
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  readonly dir: string;

  constructor(readonly provider: string, root = providerCacheDir()) {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(provider)) throw new Error(`invalid provider name for a cache folder: ${provider}`);
    this.dir = join(root, provider);
  }

  private pathOf(hash: string): string {
    return join(this.dir, hash.slice(0, 2), `${hash}.bin`);
  }

  async get(key: UnitKey): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(unitKeyHash(key)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Written to a temporary name and renamed: a crash mid-write leaves no half result under the key. */
  async put(key: UnitKey, value: Buffer | string): Promise<void> {
    const path = this.pathOf(unitKeyHash(key));
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, value);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /** The cached result, or compute (pay for) it once and keep it. */
  async getOrCompute(key: UnitKey, compute: () => Promise<Buffer | string>): Promise<{ value: Buffer; cached: boolean }> {
    const hit = await this.get(key);
    if (hit) return { value: hit, cached: true };
    const hash = unitKeyHash(key);
    const running = this.inFlight.get(hash);
    if (running) return { value: await running, cached: true };
    const p = (async () => {
      const v = await compute();
      const buf = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
      await this.put(key, buf);
      return buf;
    })();
    this.inFlight.set(hash, p);
    try {
      return { value: await p, cached: false };
    } finally {
      this.inFlight.delete(hash);
    }
  }

  /**
   * For batch APIs (DeepL takes 50 lines a request): the units already paid for, and the ones
   * still to buy, so only the misses are sent.
   */
  async split<K extends UnitKey>(keys: readonly K[]): Promise<{ hits: Map<number, Buffer>; misses: number[] }> {
    const hits = new Map<number, Buffer>();
    const misses: number[] = [];
    const found = await Promise.all(keys.map((k) => this.get(k)));
    found.forEach((v, i) => { if (v) hits.set(i, v); else misses.push(i); });
    return { hits, misses };
  }
}
