/**
 * The in-place swap under faults: each injected into the real sequence of file operations
 * (a verify that fails, a rename that fails, a filesystem without hard links, ...) or made real
 * (a full tmpfs, a read-only folder). After every one, the original is byte-identical (or fully
 * replaced) and the folder holds nothing of ours.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { probeSync, remuxSync } from '../../native/lib/index.js';
import { h264AacMp4, toneM4a } from '../../test/fixtures/media.js';
import { makeReadOnly, mountUnavailable, readOnlyUnavailable, withTmpfs } from '../../test/fixtures/mounts.js';
import { DubarrError } from '../sdk/errors.js';
import { backupPathFor, clearInterruptedSwap, swapInPlace, tempPathFor, type SwapOptions } from './inplace-swap.js';
import { nodeSwapFs, type SwapFs } from './swap-fs.js';

const MOVIE = 'Movie (2001).mp4';
const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
const listing = async (dir: string) => (await readdir(dir)).sort();
const fault = (code: string) => Object.assign(new Error(`${code}: injected fault`), { code });
const faulty = (over: Partial<SwapFs>): SwapFs => ({ ...nodeSwapFs, ...over });
const noHardLinks = faulty({ link: () => Promise.reject(fault('EPERM')) }); // what FAT answers

/** The real check the mux stage makes: the result has the source's audio track plus the dub. */
function verifyTwoAudioTracks(path: string): void {
  const n = probeSync(path).streams.filter((s) => s.type === 'audio').length;
  if (n !== 2) throw new DubarrError('E_OUTPUT_WRITE', `${path}: expected 2 audio tracks, found ${n}`);
}

/** A library file (mode 0640) and its remuxed replacement at the temp path the mux stage uses. */
async function swapCase(dir?: string, container: 'auto' | 'mkv' = 'auto') {
  dir ??= await mkdtemp(join(tmpdir(), 'dubarr-swap-'));
  const original = join(dir, MOVIE);
  await copyFile(await h264AacMp4(), original);
  await chmod(original, 0o640);
  const r = remuxSync({ source: original, out: tempPathFor(original), container, audio: [{ path: await toneM4a(500, 4), language: 'spa' }] });
  return { dir, original, written: r.path, before: await sha(original), after: await sha(r.path) };
}

function swap(c: { original: string; written: string }, over: Partial<SwapOptions> = {}) {
  return swapInPlace(c.original, c.written, { forceHardlinked: false, verify: verifyTwoAudioTracks, ...over });
}

const rejectsWith = (code: string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DubarrError, String(e));
  assert.equal(e.code, code, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

test('swap: the original is replaced, keeps its mode, and the new file and folder are fsynced around the rename', async () => {
  for (const fs of [nodeSwapFs, noHardLinks]) {
    const c = await swapCase();
    try {
      const ops: string[] = [];
      const rec: SwapFs = {
        link: (a, b) => { ops.push(`link ${basename(b)}`); return fs.link(a, b); },
        copyFile: (a, b) => { ops.push(`copy ${basename(b)}`); return fs.copyFile(a, b); },
        rename: (a, b) => { ops.push(`rename ${basename(a)} -> ${basename(b)}`); return fs.rename(a, b); },
        unlink: (p) => { ops.push(`unlink ${basename(p)}`); return fs.unlink(p); },
        fsync: (p) => { ops.push(`fsync ${p === c.dir ? 'DIR' : basename(p)}`); return fs.fsync(p); },
      };
      const r = await swap(c, { fs: rec });
      assert.equal(r.path, c.original);
      assert.equal(r.backup, fs === nodeSwapFs ? 'link' : 'copy');
      assert.deepEqual(r.warnings, []);
      assert.equal(await sha(c.original), c.after);
      assert.equal((await stat(c.original)).mode & 0o777, 0o640, 'the result keeps the original\'s permissions');
      assert.deepEqual(await listing(c.dir), [MOVIE], 'no temp file or backup left');
      const backup = ops.find((o) => /^(link|copy) /.test(o))!.replace(/^\w+ /, '');
      assert.equal(backup, '.Movie (2001).mp4.dubarr-bak', 'the one fixed name a later swap looks for');
      const expected = [
        `fsync ${basename(c.written)}`,
        ...(fs === nodeSwapFs ? [`link ${backup}`] : [`link ${backup}`, `copy ${backup}`, `fsync ${backup}`]),
        'fsync DIR', `rename ${basename(c.written)} -> ${MOVIE}`, 'fsync DIR', `unlink ${backup}`, 'fsync DIR',
      ];
      assert.deepEqual(ops, expected);
    } finally {
      await rm(c.dir, { recursive: true, force: true });
    }
  }
});

const FAULTS: Array<{ name: string; over: (c: { original: string; written: string; dir: string }) => Partial<SwapOptions>; code: string; says: RegExp }> = [
  { name: 'the temp file fails verification', over: (c) => ({ verify: (p) => { if (p === c.written) throw new DubarrError('E_OUTPUT_WRITE', 'bad temp'); } }), code: 'E_OUTPUT_WRITE', says: /bad temp; the original is unchanged$/ },
  { name: 'the result fails verification after the rename', over: (c) => ({ verify: (p) => { if (p === c.original) throw new DubarrError('E_OUTPUT_WRITE', 'bad result'); } }), code: 'E_OUTPUT_WRITE', says: /bad result; the original is back in place from its backup$/ },
  {
    name: 'the result fails verification after the rename, no hard links (copied backup)',
    over: (c) => ({ fs: noHardLinks, verify: (p) => { if (p === c.original) throw new DubarrError('E_OUTPUT_WRITE', 'bad result'); } }),
    code: 'E_OUTPUT_WRITE', says: /back in place from its backup$/,
  },
  { name: 'the rename fails', over: (c) => ({ fs: faulty({ rename: (a, b) => (b === c.original ? Promise.reject(fault('EIO')) : nodeSwapFs.rename(a, b)) }) }), code: 'E_OUTPUT_WRITE', says: /EIO.*the original is unchanged$/ },
  {
    name: 'the rename fails, no hard links (copied backup)',
    over: (c) => ({ fs: faulty({ link: noHardLinks.link, rename: (a, b) => (b === c.original ? Promise.reject(fault('EIO')) : nodeSwapFs.rename(a, b)) }) }),
    code: 'E_OUTPUT_WRITE', says: /the original is unchanged$/,
  },
  { name: 'fsync of the new file fails', over: (c) => ({ fs: faulty({ fsync: (p) => (p === c.written ? Promise.reject(fault('EIO')) : nodeSwapFs.fsync(p)) }) }), code: 'E_OUTPUT_WRITE', says: /the original is unchanged$/ },
  { name: 'fsync of the folder fails', over: (c) => ({ fs: faulty({ fsync: (p) => (p === c.dir ? Promise.reject(fault('EIO')) : nodeSwapFs.fsync(p)) }) }), code: 'E_OUTPUT_WRITE', says: /the original is unchanged$/ },
  { name: 'the hard link is refused for another reason (EACCES)', over: () => ({ fs: faulty({ link: () => Promise.reject(fault('EACCES')) }) }), code: 'E_OUTPUT_WRITE', says: /EACCES.*the original is unchanged$/ },
  {
    name: 'the backup copy fails half way (disk full)',
    over: () => ({ fs: faulty({ link: noHardLinks.link, copyFile: async (_a, b) => { await writeFile(b, 'half a copy'); throw fault('ENOSPC'); } }) }),
    code: 'E_OUTPUT_WRITE', says: /ENOSPC.*the original is unchanged$/,
  },
];

for (const f of FAULTS) {
  test(`swap fault: ${f.name} -> a coded error, the original byte-identical, nothing left`, async () => {
    const c = await swapCase();
    try {
      await assert.rejects(swap(c, f.over(c)), rejectsWith(f.code, f.says));
      assert.equal(await sha(c.original), c.before);
      assert.equal((await stat(c.original)).mode & 0o777, 0o640);
      assert.deepEqual(await listing(c.dir), [MOVIE]);
    } finally {
      await rm(c.dir, { recursive: true, force: true });
    }
  });
}

test('swap fault: the result fails verification and the backup cannot be put back -> the error says where the original is, and it is intact there', async () => {
  const c = await swapCase();
  try {
    let backup = '';
    const fs = faulty({
      link: (a, b) => { backup = b; return nodeSwapFs.link(a, b); },
      rename: (a, b) => (a === backup ? Promise.reject(fault('EIO')) : nodeSwapFs.rename(a, b)),
    });
    const verify = (p: string) => { if (p === c.original) throw new DubarrError('E_OUTPUT_WRITE', 'bad result'); };
    await assert.rejects(swap(c, { fs, verify }), (e: unknown) => {
      rejectsWith('E_OUTPUT_WRITE')(e);
      assert.ok((e as Error).message.includes(`its content is in ${backup}`), (e as Error).message);
      assert.doesNotMatch((e as Error).message, /the original is unchanged/);
      return true;
    });
    assert.equal(await sha(backup), c.before, 'the backup named in the error is the original, byte for byte');
    assert.deepEqual(await listing(c.dir), [basename(backup), MOVIE].sort());
  } finally {
    await rm(c.dir, { recursive: true, force: true });
  }
});

test('swap with a container change: the result takes the new extension; an existing file of that name is never replaced', async () => {
  for (const fs of [nodeSwapFs, noHardLinks]) {
    const ok = await swapCase(undefined, 'mkv');
    try {
      assert.match(ok.written, /\.dubarr-tmp\.mkv$/);
      const r = await swap(ok, { fs });
      assert.equal(r.path, join(ok.dir, 'Movie (2001).mkv'));
      assert.equal(await sha(r.path), ok.after);
      assert.deepEqual(await listing(ok.dir), ['Movie (2001).mkv']);
    } finally {
      await rm(ok.dir, { recursive: true, force: true });
    }

    const taken = await swapCase(undefined, 'mkv');
    try {
      const users = join(taken.dir, 'Movie (2001).mkv');
      await writeFile(users, 'the user\'s own mkv');
      await assert.rejects(swap(taken, { fs }), rejectsWith('E_OUTPUT_EXISTS', /Movie \(2001\)\.mkv already exists.*the original is unchanged$/));
      assert.equal(await readFile(users, 'utf8'), 'the user\'s own mkv');
      assert.equal(await sha(taken.original), taken.before);
      assert.deepEqual(await listing(taken.dir), ['Movie (2001).mkv', MOVIE]);
    } finally {
      await rm(taken.dir, { recursive: true, force: true });
    }
  }
});

test('swap with a container change: a failed verify or a failed removal of the original leaves the original alone', async () => {
  const cases: Array<(c: { original: string; dir: string }) => Partial<SwapOptions>> = [
    (c) => ({ verify: (p) => { if (p.endsWith('.mkv') && !p.includes('dubarr-tmp')) throw new DubarrError('E_OUTPUT_WRITE', 'bad result'); void c; } }),
    (c) => ({ fs: faulty({ unlink: (p) => (p === c.original ? Promise.reject(fault('EACCES')) : nodeSwapFs.unlink(p)) }) }),
  ];
  for (const over of cases) {
    const c = await swapCase(undefined, 'mkv');
    try {
      await assert.rejects(swap(c, over(c)), rejectsWith('E_OUTPUT_WRITE', /the original is unchanged$/));
      assert.equal(await sha(c.original), c.before);
      assert.deepEqual(await listing(c.dir), [MOVIE]);
    } finally {
      await rm(c.dir, { recursive: true, force: true });
    }
  }
});

test('swap on a full disk (a real tmpfs): the backup copy runs out of space -> the original byte-identical, nothing left', async (t) => {
  const why = mountUnavailable();
  if (why) { t.skip(why); return; }
  const page = 4096;
  const up = (n: number) => Math.ceil(n / page) * page;
  const probe = await swapCase();
  // Room for the original and the new file, not for a third copy (the backup, on a filesystem without hard links).
  const size = up((await stat(probe.original)).size) + up((await stat(probe.written)).size) + 4 * page;
  await rm(probe.dir, { recursive: true, force: true });
  await withTmpfs(size, async (dir) => {
    const c = await swapCase(dir);
    await assert.rejects(swap(c, { fs: noHardLinks }), rejectsWith('E_OUTPUT_WRITE', /ENOSPC.*the original is unchanged$/));
    assert.equal(await sha(c.original), c.before);
    assert.deepEqual(await listing(dir), [MOVIE]);
  });
});

test('swap in a folder that became read-only after the new file was written: refused, the original byte-identical, the leftover named', async (t) => {
  const why = readOnlyUnavailable();
  if (why) { t.skip(why); return; }
  const c = await swapCase();
  const undo = makeReadOnly(c.dir);
  try {
    await assert.rejects(swap(c), (e: unknown) => {
      rejectsWith('E_OUTPUT_WRITE', /the original is unchanged/)(e);
      // Nothing can be removed from a read-only folder; the error says what is left to delete.
      assert.ok((e as Error).message.includes(`the temporary file ${c.written} is left: delete it`), (e as Error).message);
      return true;
    });
    assert.equal(await sha(c.original), c.before);
    assert.deepEqual(await listing(c.dir), [basename(c.written), MOVIE].sort());
  } finally {
    undo();
    await rm(c.dir, { recursive: true, force: true });
  }
});

/**
 * `fs` that dies at the first operation `when` picks: the operation is done whole ('after'),
 * half (a copy cut short) or not at all ('before'), and never returns, so nothing after it runs:
 * the folder is left as a SIGKILL at that moment leaves it. `died` resolves then.
 */
type Death = 'before' | 'after' | 'half';
function dyingAt(fs: SwapFs, when: (op: keyof SwapFs, to: string) => boolean, death: Death): { fs: SwapFs; died: Promise<void> } {
  let die!: () => void;
  const died = new Promise<void>((r) => { die = r; });
  const wrap = (op: keyof SwapFs, run: (a: string, b: string) => Promise<void>) => async (a: string, b = '') => {
    if (!when(op, b || a)) return run(a, b);
    if (death === 'after') await run(a, b);
    if (death === 'half') await writeFile(b, (await readFile(a)).subarray(0, 1000));
    die();
    return new Promise<never>(() => undefined);
  };
  return {
    died,
    fs: {
      link: wrap('link', (a, b) => fs.link(a, b)),
      copyFile: wrap('copyFile', (a, b) => fs.copyFile(a, b)),
      rename: wrap('rename', (a, b) => fs.rename(a, b)),
      unlink: wrap('unlink', (a) => fs.unlink(a)),
      fsync: wrap('fsync', (a) => fs.fsync(a)),
    },
  };
}

const toBackup = (op: keyof SwapFs) => (c: { original: string }) => (o: keyof SwapFs, to: string) => o === op && to === backupPathFor(c.original);
const toOriginal = (op: keyof SwapFs) => (c: { original: string }) => (o: keyof SwapFs, to: string) => o === op && to === c.original;
const CRASHES: Array<{ name: string; fs: SwapFs; at: (c: { original: string }) => (op: keyof SwapFs, to: string) => boolean; death: Death; replaced: boolean }> = [
  { name: 'after the backup link, before the rename', fs: nodeSwapFs, at: toBackup('link'), death: 'after', replaced: false },
  { name: 'after the backup copy (no hard links), before the rename', fs: noHardLinks, at: toBackup('copyFile'), death: 'after', replaced: false },
  { name: 'half way through the backup copy', fs: noHardLinks, at: toBackup('copyFile'), death: 'half', replaced: false },
  { name: 'after the rename, before the second verify', fs: nodeSwapFs, at: toOriginal('rename'), death: 'after', replaced: true },
  { name: 'after the rename, no hard links', fs: noHardLinks, at: toOriginal('rename'), death: 'after', replaced: true },
  { name: 'after the second verify, before the backup\'s removal', fs: nodeSwapFs, at: toBackup('unlink'), death: 'before', replaced: true },
];

for (const k of CRASHES) {
  test(`swap killed ${k.name}: the backup is left under its fixed name, and the next swap of the file clears it`, async () => {
    const c = await swapCase();
    try {
      const { fs, died } = dyingAt(k.fs, k.at(c), k.death);
      await Promise.race([died, swap(c, { fs }).then(() => assert.fail('the swap ended without reaching the crash point'))]);
      assert.ok(existsSync(backupPathFor(c.original)), 'the crash left the backup');
      assert.equal(await sha(c.original), k.replaced ? c.after : c.before, 'the file in place is the original, or the verified result');

      if (k.replaced) {
        // The re-run finds the dub already there (the mux adds nothing) and only clears the backup.
        assert.match((await clearInterruptedSwap(c.original))!, /removed .*dubarr-bak/);
      } else {
        // The re-run remuxes the original again and swaps; its start clears the backup.
        const again = remuxSync({ source: c.original, out: tempPathFor(c.original), container: 'auto', audio: [{ path: await toneM4a(500, 4), language: 'spa' }] });
        const expected = await sha(again.path);
        const r = await swap({ original: c.original, written: again.path }, { fs: k.fs });
        assert.deepEqual([r.path, r.backup], [c.original, k.fs === nodeSwapFs ? 'link' : 'copy']);
        assert.equal(await sha(c.original), expected);
      }
      assert.deepEqual(await listing(c.dir), [MOVIE], 'no backup, no temp file');
      assert.equal((await stat(c.original)).nlink, 1);
      verifyTwoAudioTracks(c.original);
    } finally {
      await rm(c.dir, { recursive: true, force: true });
    }
  });
}

test('a leftover backup beside a file that is gone is the only copy: kept, and the error says how to restore it', async () => {
  const c = await swapCase();
  try {
    await copyFile(c.original, backupPathFor(c.original));
    await rm(c.original);
    await assert.rejects(clearInterruptedSwap(c.original), rejectsWith('E_INPUT_NOT_FOUND', /rename it to Movie \(2001\)\.mp4/));
    assert.equal(await sha(backupPathFor(c.original)), c.before);
  } finally {
    await rm(c.dir, { recursive: true, force: true });
  }
});
