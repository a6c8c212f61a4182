/**
 * The gate's looks are reported, so each test acts between two looks: nothing here races a timer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { mkdtemp, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StabilityGate, type StabilityCheck } from './stability-gate.js';

async function tmp() { return mkdtemp(join(tmpdir(), 'dubarr-gate-')); }
const HOUR = 3_600_000;

test('a rewrite that keeps the length but moves the mtime counts as a change (comparing sizes alone would let the file through)', async () => {
  const dir = await tmp();
  const gate = new StabilityGate({ windowMs: 100, minAgeMs: 0, pollMs: 20 });
  try {
    const path = join(dir, 'a.mkv');
    await writeFile(path, 'x'.repeat(100));
    const checks: StabilityCheck[] = [];
    const mtime = (n: number) => new Date(1e12 + n * 1000);
    gate.on('check', (c) => {
      checks.push(c);
      // At the first three looks, before the next one: same length, another mtime.
      if (checks.length <= 3) utimesSync(path, mtime(checks.length), mtime(checks.length));
    });
    gate.track(path);
    const [, seen] = await once(gate, 'settled') as [string, { size: number; mtimeMs: number }];
    assert.deepEqual(checks.map((c) => c.changed).slice(0, 4), [false, true, true, true], 'each rewrite was seen at the next look');
    assert.ok(checks.every((c) => c.size === 100), 'the size never changed');
    assert.deepEqual(seen, { size: 100, mtimeMs: mtime(3).getTime() }, 'through only after the last rewrite');
    assert.ok(checks.at(-1)!.stableForMs >= 100);
  } finally {
    gate.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('with no window a file whose last write is old enough is through at the first look, with the size and mtime it had', async () => {
  const dir = await tmp();
  const gate = new StabilityGate({ windowMs: 0, minAgeMs: HOUR, pollMs: 20 });
  try {
    const old = join(dir, 'old.mkv');
    await writeFile(old, 'abc');
    await utimes(old, new Date(Date.now() - 2 * HOUR), new Date(Date.now() - 2 * HOUR));
    gate.track(old);
    const [path, seen] = await once(gate, 'settled') as [string, { size: number; mtimeMs: number }];
    assert.equal(path, old);
    assert.equal(seen.size, 3);
    // Written just now: an hour of minAgeSeconds still to go after its first look.
    const fresh = join(dir, 'fresh.mkv');
    await writeFile(fresh, 'abc');
    gate.track(fresh);
    await once(gate, 'check');
    assert.ok(gate.has(fresh) && gate.pending === 1);
  } finally {
    gate.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file deleted while it settles is dropped', async () => {
  const dir = await tmp();
  const gate = new StabilityGate({ windowMs: 60_000, minAgeMs: 0, pollMs: 20 });
  try {
    const path = join(dir, 'a.mkv');
    await writeFile(path, 'x');
    gate.track(path);
    await once(gate, 'check');
    await unlink(path);
    assert.deepEqual(await once(gate, 'gone'), [path]);
    assert.equal(gate.pending, 0);
  } finally {
    gate.close();
    await rm(dir, { recursive: true, force: true });
  }
});
