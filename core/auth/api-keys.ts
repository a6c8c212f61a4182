import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Db } from '../jobs/database.js';

export interface ApiKeyInfo {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt?: number;
}

/** Keys look like `dubarr_<43 base64url chars>`: the prefix tells a leaked key for what it is (secret scanners, logs). */
const KEY_PREFIX = 'dubarr_';
/** `last_used_at` is written at most this often per key: a busy client should not turn every request into a write. */
const LAST_USED_EVERY_MS = 60_000;

const hashOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

interface Row { id: string; name: string; hash: string; created_at: number; last_used_at: number | null }

/**
 * The API keys of the HTTP server (schemas/sql/005_api_keys.sql). The database holds hashes
 * only; every check reads the table, so a key created or revoked by the CLI while a server
 * runs counts at once.
 */
export class ApiKeys {
  private readonly s: Record<'insert' | 'all' | 'hashes' | 'count' | 'byIdOrName' | 'remove' | 'touch', Statement>;
  private readonly touchedAt = new Map<string, number>();

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insert: p('INSERT INTO api_keys (id, name, hash, created_at) VALUES (?, ?, ?, ?)'),
      all: p('SELECT * FROM api_keys ORDER BY created_at, rowid'),
      hashes: p('SELECT id, hash FROM api_keys'),
      count: p('SELECT count(*) AS n FROM api_keys'),
      byIdOrName: p('SELECT * FROM api_keys WHERE id = ? OR name = ?'),
      remove: p('DELETE FROM api_keys WHERE id = ?'),
      touch: p('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    };
  }

  /** A new key; `key` is returned this once and never stored. */
  create(name: string): ApiKeyInfo & { key: string } {
    const trimmed = name.trim();
    if (trimmed === '') throw new DubarrError('E_INVALID_ARGUMENT', 'A key needs a name (--name), e.g. the client that will use it: --name bazarr');
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const id = `key_${randomBytes(6).toString('hex')}`;
    const createdAt = Date.now();
    try {
      this.s.insert.run(id, trimmed, hashOf(key).toString('hex'), createdAt);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new DubarrError('E_INVALID_ARGUMENT', `A key named '${trimmed}' already exists: choose another --name, or revoke it first (dubarr keys revoke ${trimmed})`, { cause: e });
      }
      throw e;
    }
    return { id, name: trimmed, createdAt, key };
  }

  list(): ApiKeyInfo[] {
    return (this.s.all.all() as Row[]).map(info);
  }

  count(): number {
    return (this.s.count.get() as { n: number }).n;
  }

  /** Deletes the key with this id or name; E_INVALID_ARGUMENT when there is none. */
  revoke(idOrName: string): ApiKeyInfo {
    const row = this.s.byIdOrName.get(idOrName, idOrName) as Row | undefined;
    if (!row) throw new DubarrError('E_INVALID_ARGUMENT', `No API key has the id or name '${idOrName}'; see \`dubarr keys list\``);
    this.s.remove.run(row.id);
    return info(row);
  }

  /**
   * The id of the key `presented` is, or undefined. Its hash is compared with every stored hash,
   * each in constant time and without stopping at a match, so timing says nothing about which
   * bytes (or which key) matched.
   */
  verify(presented: string): string | undefined {
    const h = hashOf(presented);
    let found: string | undefined;
    for (const r of this.s.hashes.all() as Array<{ id: string; hash: string }>) {
      if (timingSafeEqual(h, Buffer.from(r.hash, 'hex'))) found = r.id;
    }
    if (found !== undefined) this.touch(found);
    return found;
  }

  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.touchedAt.get(id) ?? 0) < LAST_USED_EVERY_MS) return;
    this.touchedAt.set(id, now);
    this.s.touch.run(now, id);
  }
}

function info(r: Row): ApiKeyInfo {
  return { id: r.id, name: r.name, createdAt: r.created_at, ...(r.last_used_at === null ? {} : { lastUsedAt: r.last_used_at }) };
}
