import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, open, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentOfFingerprint, engineFileFingerprint, engineTreeFingerprint, executableFingerprint, fingerprintFile } from './file-fingerprint.js';

async function tmp() { return mkdtemp(join(tmpdir(), 'dubarr-fingerprint-')); }
const PAST = new Date('2020-01-01T00:00:00Z');

test('file fingerprint: same content and mtime same print; a sampled byte, the size or the mtime changes it', async () => {
  const dir = await tmp();
  try {
    const big = Buffer.alloc(20 << 20, 7);
    for (const n of ['a', 'b']) { await writeFile(join(dir, n), big); await utimes(join(dir, n), PAST, PAST); }
    assert.equal(await fingerprintFile(join(dir, 'a')), await fingerprintFile(join(dir, 'b')));
    big[big.length - 10] = 8;
    await writeFile(join(dir, 'b'), big);
    await utimes(join(dir, 'b'), PAST, PAST);
    assert.notEqual(await fingerprintFile(join(dir, 'a')), await fingerprintFile(join(dir, 'b')), 'last sampled block');
    await writeFile(join(dir, 'c'), big.subarray(0, big.length - 1));
    await utimes(join(dir, 'c'), PAST, PAST);
    assert.notEqual(await fingerprintFile(join(dir, 'b')), await fingerprintFile(join(dir, 'c')), 'size');
    const same = await fingerprintFile(join(dir, 'a'));
    await utimes(join(dir, 'a'), new Date('2021-01-01T00:00:00Z'), new Date('2021-01-01T00:00:00Z'));
    assert.notEqual(await fingerprintFile(join(dir, 'a')), same, 'mtime');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('content of a fingerprint: a new mtime over the same bytes keeps it; another byte or size changes it', async () => {
  const dir = await tmp();
  try {
    const path = join(dir, 'movie.mkv');
    await writeFile(path, Buffer.alloc(3 << 20, 5));
    await utimes(path, PAST, PAST);
    const before = await fingerprintFile(path);
    await utimes(path, new Date(), new Date());
    const touched = await fingerprintFile(path);
    assert.notEqual(touched, before);
    assert.equal(contentOfFingerprint(touched), contentOfFingerprint(before));
    await writeFile(path, Buffer.alloc(3 << 20, 6));
    assert.notEqual(contentOfFingerprint(await fingerprintFile(path)), contentOfFingerprint(before), 'another byte');
    await writeFile(path, Buffer.alloc((3 << 20) + 1, 5));
    assert.notEqual(contentOfFingerprint(await fingerprintFile(path)), contentOfFingerprint(before), 'another size');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('file fingerprint: an edit that keeps the size and falls between the sampled regions is seen (its mtime moves)', async () => {
  const dir = await tmp();
  try {
    const path = join(dir, 'movie.mkv');
    await writeFile(path, Buffer.alloc(20 << 20, 1));
    await utimes(path, PAST, PAST);
    const before = await fingerprintFile(path);
    // Samples of 1 MiB start at 0 and every (20 - 1) / 7 MiB ≈ 2.71 MiB: 1.5 MiB is in the first gap.
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from('a same-size edit nobody samples'), 0, undefined, 1.5 * (1 << 20));
    await fh.close();
    const after = await fingerprintFile(path);
    assert.notEqual(after, before);
    // The documented limit: put the old mtime back and the edit is invisible.
    await utimes(path, PAST, PAST);
    assert.equal(await fingerprintFile(path), before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('engine fingerprints: a file and a tree change when a file in them changes, and only then', async () => {
  const dir = await tmp();
  try {
    const model = join(dir, 'model');
    await mkdir(join(model, 'sub'), { recursive: true });
    await writeFile(join(model, 'weights.bin'), Buffer.alloc(3 << 20, 3));
    await writeFile(join(model, 'sub', 'vocab.txt'), 'a b c');
    const file = await engineFileFingerprint(join(model, 'weights.bin'));
    const tree = await engineTreeFingerprint(model);
    assert.equal(await engineFileFingerprint(join(model, 'weights.bin')), file);
    assert.equal(await engineTreeFingerprint(model), tree);
    await writeFile(join(model, 'sub', 'vocab.txt'), 'a b d');
    await utimes(join(model, 'sub', 'vocab.txt'), PAST, PAST);
    assert.equal(await engineFileFingerprint(join(model, 'weights.bin')), file);
    const tree2 = await engineTreeFingerprint(model);
    assert.notEqual(tree2, tree, 'a changed file in a subfolder');
    await writeFile(join(model, 'weights.bin'), Buffer.alloc(3 << 20, 4));
    await utimes(join(model, 'weights.bin'), PAST, PAST);
    assert.notEqual(await engineFileFingerprint(join(model, 'weights.bin')), file, 'rewritten with the same size and an old mtime: the memo notices (ctime) and the content differs');
    await writeFile(join(model, 'extra'), '');
    assert.notEqual(await engineTreeFingerprint(model), tree2, 'a new file');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('executable fingerprint: found on PATH like spawn finds it; a missing one says so', async () => {
  const dir = await tmp();
  try {
    const tool = join(dir, 'tool');
    await writeFile(tool, '#!/bin/sh\necho 1\n');
    await chmod(tool, 0o755);
    assert.match(await executableFingerprint(tool), new RegExp(`^${tool}@\\d+:\\d+:[0-9a-f]{32}$`));
    assert.match(await executableFingerprint('sh'), /^\/.*\/sh@/);
    assert.equal(await executableFingerprint('no-such-tool-dubarr'), 'missing');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
