import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { openDatabase } from '../jobs/database.js';
import { ApiKeys } from './api-keys.js';

test('a key is shown once and stored only as its hash; verify, list and revoke by id or name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-keys-'));
  const db = openDatabase(join(dir, 'dubarr.db'));
  try {
    const keys = new ApiKeys(db);
    const a = keys.create('bazarr');
    const b = keys.create(' phone ');
    assert.match(a.key, /^dubarr_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.key, b.key);
    assert.equal(b.name, 'phone');

    assert.equal(keys.verify(a.key), a.id);
    assert.equal(keys.verify(b.key), b.id);
    assert.equal(keys.verify(`${a.key}x`), undefined);
    assert.equal(keys.verify(''), undefined);

    const listed = keys.list();
    assert.deepEqual(listed.map((k) => [k.id, k.name]), [[a.id, 'bazarr'], [b.id, 'phone']]);
    assert.ok(listed.every((k) => !JSON.stringify(k).includes('dubarr_')), 'no key in the listing');
    assert.ok(listed[0]!.lastUsedAt! >= a.createdAt);

    // Neither the database nor its WAL holds a key.
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of await readdir(dir)) {
      const bytes = await readFile(join(dir, f), 'latin1');
      assert.ok(!bytes.includes(a.key) && !bytes.includes(a.key.slice(7)), `${f} holds a key`);
    }

    assert.throws(() => keys.create('bazarr'), (e: DubarrError) => e.code === 'E_INVALID_ARGUMENT' && /already exists/.test(e.message));
    assert.throws(() => keys.create('  '), (e: DubarrError) => e.code === 'E_INVALID_ARGUMENT');

    assert.equal(keys.revoke('bazarr').id, a.id);
    assert.equal(keys.revoke(b.id).name, 'phone');
    assert.equal(keys.verify(a.key), undefined);
    assert.equal(keys.count(), 0);
    assert.throws(() => keys.revoke('bazarr'), (e: DubarrError) => e.code === 'E_INVALID_ARGUMENT' && /keys list/.test(e.message));
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
