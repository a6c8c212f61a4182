/**
 * The in-place swap under faults: each injected into the real sequence of file operations
 * (a verify that fails, a rename that fails, a filesystem without hard links, ...) or made real
 * (a full tmpfs, a read-only folder). After every one, the original is byte-identical (or fully
 * replaced) and the folder holds nothing of ours; where an undo fails too, the error says where
 * the original is. Then the states a swap that stopped half way leaves (killed at each step, or
 * a double fault), and what the next job on the file makes of its backup: removed only when the
 * file in place provably holds all of it, otherwise kept with a coded error that says how to
 * restore.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, link, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { probeSync, remuxSync } from '../../native/lib/index.js';
import { h264AacMp4, h264Ac3Mkv, randomBytesFile, toneM4a, vp9OpusWebm } from '../../test/fixtures/media.js';
import { makeReadOnly, mountUnavailable, readOnlyUnavailable, withTmpfs } from '../../test/fixtures/mounts.js';
import { DubarrError } from '../sdk/errors.js';
import { dubbedLanguages } from './dub-tracks.js';
import { backupPathFor, swapInPlace, tempPathFor, type SwapOptions } from './inplace-swap.js';
import { clearInterruptedSwap } from './interrupted-swap.js';
import { dubTitle } from './output-names.js';
import { resultSourceOf, verifyResult, whyNotResult } from './result-check.js';
import { nodeSwapFs, type SwapFs } from './swap-fs.js';

const MOVIE = 'Movie (2001).mp4';
const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
/**
 * A folder's files, once the addon's background deletion of replaced files is done: a remux
 * that replaces a file leaves the old one under a hidden `.dubarr-*.old.part` name for its
 * reaper thread to delete (output.cc, AtomicFile::commit). Waits for that state (the deadline
 * only turns a file that is never deleted into a failure that names it).
 */
async function listing(dir: string): Promise<string[]> {
  const until = Date.now() + 30_000;
  for (;;) {
    const names = (await readdir(dir)).sort();
    if (!names.some((n) => /\.dubarr-\w{6}\.old\.part$/.test(n)) || Date.now() > until) return names;
    await new Promise((r) => setTimeout(r, 10));
  }
}
const fault = (code: string) => Object.assign(new Error(`${code}: injected fault`), { code });
const faulty = (over: Partial<SwapFs>): SwapFs => ({ ...nodeSwapFs, ...over });
const noHardLinks = faulty({ link: () => Promise.reject(fault('EPERM')) }); // what FAT answers

/** A dub track as the mux stage adds it: our title, the language, flagged dub. */
const dub = async (lang: 'es' | 'ca', hz: number) => ({ path: await toneM4a(hz, 4), language: lang === 'es' ? 'spa' : 'cat', title: dubTitle(lang, 'dub'), dispositions: { dub: true } });

/** `original` remuxed to `out` with the Spanish dub added, as the mux stage writes it. */
async function dubbed(original: string, out: string, container: 'auto' | 'mkv' = 'auto'): Promise<string> {
  return remuxSync({ source: original, out, container, audio: [await dub('es', 500)] }).path;
}

type SwapCase = Awaited<ReturnType<typeof swapCase>>;

/**
 * A library file (mode 0640) and its remuxed replacement at the temp path the mux stage uses,
 * checked as the mux stage checks it (the original's audio tracks plus one, its duration).
 * `dubbedBefore`: the original already carries a Catalan dub of ours (a second language added later).
 */
async function swapCase(dir?: string, container: 'auto' | 'mkv' = 'auto', o: { dubbedBefore?: boolean } = {}) {
  dir ??= await mkdtemp(join(tmpdir(), 'dubarr-swap-'));
  const original = join(dir, MOVIE);
  if (o.dubbedBefore) remuxSync({ source: await h264AacMp4(), out: original, container: 'auto', audio: [await dub('ca', 700)] });
  else await copyFile(await h264AacMp4(), original);
  await chmod(original, 0o640);
  const source = resultSourceOf(probeSync(original));
  const verify = (p: string) => verifyResult(p, source, 1);
  const whyNot = (p: string) => whyNotResult(p, source, ['es']);
  const written = await dubbed(original, tempPathFor(original), container);
  return { dir, original, written, verify, whyNot, newName: join(dir, 'Movie (2001).mkv'), before: await sha(original), after: await sha(written) };
}

/** The swap as the mux stage calls it. */
function swap(c: { original: string; written: string; verify(p: string): void; whyNot(p: string): string | undefined }, over: Partial<SwapOptions> = {}) {
  return swapInPlace(c.original, c.written, { forceHardlinked: false, verify: c.verify, whyNotEarlierResult: c.whyNot, ...over });
}

const MV_COMMAND = /mv -f '[^']*' '[^']*'/;

/** Runs, in a shell, the command an error message gives (the part `pattern` matches). */
function runCommandIn(message: string, pattern: RegExp): void {
  const command = pattern.exec(message)?.[0];
  assert.ok(command, `no command in: ${message}`);
  execFileSync('sh', ['-c', command]);
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
    let message = '';
    await assert.rejects(swap(c, { fs, verify }), (e: unknown) => {
      rejectsWith('E_OUTPUT_WRITE')(e);
      message = (e as Error).message;
      assert.ok(message.includes(`its content is in ${backup}`), message);
      assert.doesNotMatch(message, /the original is unchanged/);
      return true;
    });
    assert.equal(await sha(backup), c.before, 'the backup named in the error is the original, byte for byte');
    assert.deepEqual(await listing(c.dir), [basename(backup), MOVIE].sort());
    runCommandIn(message, MV_COMMAND);
    assert.equal(await sha(c.original), c.before, 'the command the error gives puts the original back');
    assert.deepEqual(await listing(c.dir), [MOVIE]);
  } finally {
    await rm(c.dir, { recursive: true, force: true });
  }
});

test('swap with a container change: the result takes the new extension', async () => {
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
  }
});

/** Files a user (or an unrelated job) may have at the new name: never replaced, and the error says what each is. */
const TAKEN: Array<{ name: string; make(c: SwapCase, at: string): Promise<void>; says: RegExp }> = [
  { name: 'not media', make: (_c, at) => writeFile(at, 'the user\'s own mkv'), says: /cannot be read as media .*, so dubarr did not write it/ },
  { name: 'the user\'s own film', make: async (_c, at) => copyFile(await h264Ac3Mkv(), at), says: /carries no dub track of dubarr's, so dubarr did not write it/ },
  {
    name: 'a dub of ours in another language', says: /carries dubarr's dub tracks, but none in es: it is not this job's result/,
    make: async (c, at) => { remuxSync({ source: c.original, out: at, container: 'mkv', audio: [await dub('ca', 700)] }); },
  },
  {
    name: 'a Spanish dub of ours of another film', says: /carries dubarr's dub tracks, but is not this job's result \(.*expected 2 audio tracks, found 3\)/,
    make: async (_c, at) => { await dubbed(await h264Ac3Mkv(), at, 'mkv'); },
  },
];

for (const t of TAKEN) {
  test(`swap with a container change onto an existing file (${t.name}): never replaced, the error says what it is`, async () => {
    for (const fs of [nodeSwapFs, noHardLinks]) {
      const c = await swapCase(undefined, 'mkv');
      try {
        await t.make(c, c.newName);
        const theirs = await sha(c.newName);
        await assert.rejects(swap(c, { fs }), rejectsWith('E_OUTPUT_EXISTS', new RegExp(`Movie \\(2001\\)\\.mkv already exists and ${t.says.source}.*the original is unchanged$`)));
        assert.equal(await sha(c.newName), theirs);
        assert.equal(await sha(c.original), c.before);
        assert.deepEqual(await listing(c.dir), ['Movie (2001).mkv', MOVIE]);
      } finally {
        await rm(c.dir, { recursive: true, force: true });
      }
    }
  });
}

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
const toNewName = (op: keyof SwapFs) => (c: SwapCase) => (o: keyof SwapFs, to: string) => o === op && to === c.newName;
const toOriginal = (op: keyof SwapFs) => (c: { original: string }) => (o: keyof SwapFs, to: string) => o === op && to === c.original;
const killedAt = (fs: SwapFs, at: (c: SwapCase) => (op: keyof SwapFs, to: string) => boolean, death: Death) => async (c: SwapCase) => {
  const dying = dyingAt(fs, at(c), death);
  await Promise.race([dying.died, swap(c, { fs: dying.fs }).then(() => assert.fail('the swap ended without reaching the crash point'))]);
};

/**
 * The double fault: the result is damaged on its way into place (the rename "succeeds", the
 * bytes there are cut short, as a failing disk may leave them), so the verification after the
 * rename fails, and renaming the backup back fails too. The error tells the user to rename the
 * backup back; until they do, the file in place is a result that failed verification.
 */
const damagedAndStuck = (fs: SwapFs) => async (c: SwapCase) => {
  const backup = backupPathFor(c.original);
  const stuck = faulty({
    link: fs.link, copyFile: fs.copyFile,
    async rename(a, b) {
      if (a === backup) throw fault('EIO');
      await nodeSwapFs.rename(a, b);
      if (b === c.original) await truncate(b, Math.floor((await stat(b)).size / 2));
    },
  });
  await assert.rejects(swap(c, { fs: stuck }), rejectsWith('E_OUTPUT_WRITE', /the original could not be put back/));
};

/**
 * Swaps stopped at each moment that leaves the backup: killed (no undo runs, as with SIGKILL or
 * a power cut), or failing with an undo that fails too. `inPlace` is what the file then is.
 * The next job on the file clears the backup first (as the mux stage does) when that loses
 * nothing, and then swaps again, or finds its dub there and adds nothing; a result that failed
 * verification keeps the backup, and the job fails saying how to restore the original.
 */
const CRASHES: Array<{
  name: string; fs: SwapFs; stop: (c: SwapCase) => Promise<void>;
  inPlace: 'original' | 'result' | 'damaged result' | 'result beside the original'; dubbedBefore?: boolean; container?: 'mkv';
}> = [
  { name: 'killed after the backup link, before the rename', fs: nodeSwapFs, stop: killedAt(nodeSwapFs, toBackup('link'), 'after'), inPlace: 'original' },
  { name: 'killed after the backup copy (no hard links), before the rename', fs: noHardLinks, stop: killedAt(noHardLinks, toBackup('copyFile'), 'after'), inPlace: 'original' },
  { name: 'killed half way through the backup copy', fs: noHardLinks, stop: killedAt(noHardLinks, toBackup('copyFile'), 'half'), inPlace: 'original' },
  {
    name: 'killed half way through the backup copy of a file that carries a dub of ours already',
    fs: noHardLinks, stop: killedAt(noHardLinks, toBackup('copyFile'), 'half'), inPlace: 'original', dubbedBefore: true,
  },
  {
    name: 'killed after the backup copy of a file that carries a dub of ours already',
    fs: noHardLinks, stop: killedAt(noHardLinks, toBackup('copyFile'), 'after'), inPlace: 'original', dubbedBefore: true,
  },
  { name: 'killed after the rename, before the second verify', fs: nodeSwapFs, stop: killedAt(nodeSwapFs, toOriginal('rename'), 'after'), inPlace: 'result' },
  { name: 'killed after the rename, no hard links', fs: noHardLinks, stop: killedAt(noHardLinks, toOriginal('rename'), 'after'), inPlace: 'result' },
  { name: 'killed after the rename, in a file that carried a dub of ours already', fs: nodeSwapFs, stop: killedAt(nodeSwapFs, toOriginal('rename'), 'after'), inPlace: 'result', dubbedBefore: true },
  { name: 'killed after the second verify, before the backup\'s removal', fs: nodeSwapFs, stop: killedAt(nodeSwapFs, toBackup('unlink'), 'before'), inPlace: 'result' },
  { name: 'killed after placing the result under its new name, before removing the temporary name', fs: nodeSwapFs, stop: killedAt(nodeSwapFs, toNewName('link'), 'after'), inPlace: 'result beside the original', container: 'mkv' },
  { name: 'killed after placing the result under its new name, before removing the original', fs: nodeSwapFs, stop: killedAt(nodeSwapFs, toOriginal('unlink'), 'before'), inPlace: 'result beside the original', container: 'mkv' },
  { name: 'killed after placing the result under its new name (no hard links), before removing the original', fs: noHardLinks, stop: killedAt(noHardLinks, toNewName('rename'), 'after'), inPlace: 'result beside the original', container: 'mkv' },
  { name: 'failing verification after the rename, and the rename back failing too', fs: nodeSwapFs, stop: damagedAndStuck(nodeSwapFs), inPlace: 'damaged result' },
  { name: 'failing verification after the rename, and the rename back failing too (copied backup)', fs: noHardLinks, stop: damagedAndStuck(noHardLinks), inPlace: 'damaged result' },
];

const OUTCOME = {
  'original': 'clears the backup and swaps again',
  'result': 'clears the backup and finds the dub there',
  'damaged result': 'keeps the backup and says how to restore the original',
  'result beside the original': 'finishes the swap with the result already there',
} as const;

for (const k of CRASHES) {
  test(`swap ${k.name}: the next job ${OUTCOME[k.inPlace]}`, async () => {
    const c = await swapCase(undefined, k.container ?? 'auto', { dubbedBefore: k.dubbedBefore });
    const backup = backupPathFor(c.original);
    try {
      await k.stop(c);
      if (k.inPlace === 'result beside the original') {
        // A swap to a new name never moves the original: the result is there, verified, and so is the original.
        assert.equal(await sha(c.original), c.before);
        assert.equal(await sha(c.newName), c.after);
        assert.equal(await clearInterruptedSwap(c.original), undefined, 'no backup to judge');
        // The re-run remuxes the original again, to the same temporary name, and swaps.
        const again = await dubbed(c.original, tempPathFor(c.original), 'mkv');
        const r = await swap({ ...c, written: again }, { fs: k.fs });
        assert.equal(r.path, c.newName);
        assert.match(r.warnings.join('\n'), /is this job's result from an earlier run that stopped before removing Movie \(2001\)\.mp4; that swap is finished now/);
        assert.equal(await sha(c.newName), c.after, 'the earlier run\'s result kept');
        assert.deepEqual(await listing(c.dir), ['Movie (2001).mkv'], 'the original removed, no temporary file');
        return;
      }
      assert.ok(existsSync(backup), 'the backup is left');
      if (k.inPlace === 'damaged result') {
        assert.notEqual(await sha(c.original), c.after, 'the file in place is not what was verified');
        await assert.rejects(clearInterruptedSwap(c.original), (e: unknown) => {
          rejectsWith('E_SWAP_UNRESOLVED')(e);
          const m = (e as Error).message;
          assert.ok(m.includes(c.original) && m.includes(backup), m);
          runCommandIn(m, MV_COMMAND);
          return true;
        });
        assert.equal(await sha(c.original), c.before, 'the backup was kept, and the command the error gives restores the original');
        assert.deepEqual(await listing(c.dir), [MOVIE]);
        return;
      }
      assert.equal(await sha(c.original), k.inPlace === 'result' ? c.after : c.before);
      // The next job on the file, as the mux stage runs it: clear, then swap unless the dub is there.
      assert.match((await clearInterruptedSwap(c.original))!, /removed .*dubarr-bak/);
      if (dubbedLanguages(probeSync(c.original)).has('es')) {
        assert.equal(k.inPlace, 'result', 'the dub is found only in a result');
      } else {
        assert.equal(k.inPlace, 'original');
        const again = await dubbed(c.original, tempPathFor(c.original));
        const expected = await sha(again);
        const r = await swap({ ...c, written: again }, { fs: k.fs });
        assert.deepEqual([r.path, r.backup], [c.original, k.fs === nodeSwapFs ? 'link' : 'copy']);
        assert.equal(await sha(c.original), expected);
      }
      assert.deepEqual(await listing(c.dir), [MOVIE], 'no backup, no temp file');
      assert.equal((await stat(c.original)).nlink, 1);
      assert.deepEqual([...dubbedLanguages(probeSync(c.original))].sort(), k.dubbedBefore ? ['ca', 'es'] : ['es']);
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
    await assert.rejects(clearInterruptedSwap(c.original), rejectsWith('E_INPUT_NOT_FOUND', /restore the file with: mv /));
    assert.equal(await sha(backupPathFor(c.original)), c.before);
  } finally {
    await rm(c.dir, { recursive: true, force: true });
  }
});

/**
 * Leftovers built by hand: `inPlace` and `backup` are made in a fresh folder (`c` holds the
 * original and its dubbed result). The backup goes only when the file in place provably holds
 * all it holds: it is the original (no dub of ours), or the verified result of the backup, or
 * every byte of the backup is in it.
 */
const LEFTOVERS: Array<{ name: string; make(c: SwapCase, inPlace: string, backup: string): Promise<void>; removed: boolean; says?: RegExp }> = [
  {
    name: '(b) the original in place, the backup a copy cut short', removed: true, says: /carries no dub of ours and so is the original/,
    make: async (c, inPlace, backup) => { await copyFile(c.original, inPlace); await writeFile(backup, (await readFile(c.original)).subarray(0, 4096)); },
  },
  {
    name: '(c) the result in place, the original as a separate backup', removed: true, says: /passes the same verification against it/,
    make: async (c, inPlace, backup) => { await copyFile(c.written, inPlace); await copyFile(c.original, backup); },
  },
  {
    name: '(d) the original with a dub of ours in place, the backup a full copy', removed: true, says: /every byte of it is in/,
    make: async (c, inPlace, backup) => { await copyFile(c.written, inPlace); await copyFile(c.written, backup); },
  },
  {
    name: 'a result with a dub of ours whose audio tracks are not the backup\'s plus the dub', removed: false, says: /expected 3 audio tracks, found 2/,
    make: async (c, inPlace, backup) => { await copyFile(c.written, inPlace); await copyFile(await h264Ac3Mkv(), backup); },
  },
  {
    name: 'a result with a dub of ours whose duration is not the backup\'s', removed: false, says: /duration \d+ ms differs from the source's \d+ ms/,
    make: async (c, inPlace, backup) => { await copyFile(c.written, inPlace); await copyFile(await vp9OpusWebm(), backup); },
  },
  {
    name: 'a file in place that cannot be read', removed: false, says: /cannot be read as media/,
    make: async (c, inPlace, backup) => { await writeFile(inPlace, (await readFile(c.written)).subarray(0, 20_000)); await copyFile(c.original, backup); },
  },
  {
    name: 'a result with a dub of ours, and a backup that cannot be read and is no copy of it', removed: false, says: /the backup cannot be read as media/,
    make: async (c, inPlace, backup) => { await copyFile(c.written, inPlace); await copyFile(await randomBytesFile(), backup); },
  },
];

for (const l of LEFTOVERS) {
  test(`leftover backup: ${l.name} -> ${l.removed ? 'removed' : 'kept, E_SWAP_UNRESOLVED naming both files'}`, async () => {
    const c = await swapCase();
    const dir = await mkdtemp(join(tmpdir(), 'dubarr-leftover-'));
    try {
      const inPlace = join(dir, MOVIE);
      const backup = backupPathFor(inPlace);
      await l.make(c, inPlace, backup);
      const [inPlaceBefore, backupBefore] = [await sha(inPlace), await sha(backup)];
      if (l.removed) {
        assert.match((await clearInterruptedSwap(inPlace))!, l.says ?? /removed/);
        assert.deepEqual(await listing(dir), [MOVIE]);
      } else {
        await assert.rejects(clearInterruptedSwap(inPlace), (e: unknown) => {
          rejectsWith('E_SWAP_UNRESOLVED', l.says)(e);
          const m = (e as Error).message;
          assert.ok(m.includes(`rm '${backup}'`) && m.includes(`mv -f '${backup}' '${inPlace}'`), m);
          return true;
        });
        assert.equal(await sha(backup), backupBefore, 'the backup kept as it was');
      }
      assert.equal(await sha(inPlace), inPlaceBefore, 'the file in place untouched');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(c.dir, { recursive: true, force: true });
    }
  });
}

test('a swap that finds the backup\'s name taken (another swap of the file under way) stops: the other\'s backup untouched, the original unchanged', async () => {
  const c = await swapCase();
  try {
    const theirs = backupPathFor(c.original);
    await link(c.original, theirs);
    await assert.rejects(swap(c), rejectsWith('E_OUTPUT_EXISTS', /another in-place swap .* is under way.*the original is unchanged$/));
    assert.equal(await sha(c.original), c.before);
    assert.equal(await sha(theirs), c.before);
    assert.deepEqual(await listing(c.dir), [basename(theirs), MOVIE].sort());
  } finally {
    await rm(c.dir, { recursive: true, force: true });
  }
});
