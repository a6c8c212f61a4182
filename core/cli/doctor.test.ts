/**
 * `dubarr doctor` on this machine, and run as the CLI with a PATH from which tools were taken
 * away or replaced by broken ones: what it reports and the command it says fixes it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { distRoot } from '../app/paths.js';
import { repoRoot } from '../config/repo-root.js';
import { formatDoctor, parseAptPackages, readAptPackages, runDoctor } from './doctor.js';

const CLI = join(distRoot, 'core', 'cli', 'main.js');
const scratch = mkdtempSync(join(tmpdir(), 'dubarr-doctor-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const tempDir = () => mkdtempSync(join(scratch, `d${++dirs}-`));

/**
 * A PATH of one folder holding every command of this process's PATH, except the ones in
 * `remove`, plus the scripts in `replace` (name -> shell script body).
 */
function pathWith(remove: string[], replace: Record<string, string> = {}): string {
  const bin = tempDir();
  for (const [name, body] of Object.entries(replace)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter((d) => d && existsSync(d))) {
    for (const name of readdirSync(dir)) {
      if (remove.includes(name) || existsSync(join(bin, name))) continue;
      symlinkSync(join(dir, name), join(bin, name));
    }
  }
  return bin;
}

/** `dubarr doctor` in a child process with the given PATH: exit code and output. */
function doctorCli(path: string): Promise<{ code: number; out: string }> {
  const dataDir = tempDir();
  return new Promise((resolve, reject) => {
    // A clean environment (no DUBARR_* settings of the caller's), apart from where temp and
    // runtime files go (espeak-ng's audio library makes a runtime dir when it starts).
    const env = { PATH: path, HOME: dataDir, TMPDIR: tmpdir(), ...(process.env.XDG_RUNTIME_DIR ? { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR } : {}) };
    execFile(process.execPath, [CLI, '--data-dir', dataDir, 'doctor'], { cwd: dataDir, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (code !== 0 && code !== 1) reject(new Error(`doctor exited ${code}: ${stderr}`));
      else resolve({ code, out: stdout });
    });
  });
}

test("doctor checks setup.sh's APT_RUNTIME list; the build and test lists are apart", () => {
  const root = repoRoot();
  const runtime = readAptPackages(root);
  for (const p of ['ffmpeg', 'espeak-ng', 'apertium', 'apertium-eng-spa', 'pocketsphinx-en-us']) {
    assert.ok(runtime.includes(p), `${p} is in the runtime list`);
  }
  assert.ok(readAptPackages(root, 'APT_BUILD').includes('libavformat-dev'));
  assert.deepEqual(readAptPackages(root, 'APT_TEST'), ['chromium', 'python3-onnx', 'python3-numpy']);
  for (const p of [...readAptPackages(root, 'APT_BUILD'), 'chromium']) assert.ok(!runtime.includes(p), `${p} is not needed to run`);
  assert.ok(runtime.every((p) => /^[a-z0-9][a-z0-9.+-]+$/.test(p)), runtime.join(' '));
  const script = 'x=1\nAPT_RUNTIME=(\n  a b  # why b\n  # c is gone\n  d\n)\nAPT_TEST=(e)\n';
  assert.deepEqual(parseAptPackages(script), ['a', 'b', 'd']);
  assert.deepEqual(parseAptPackages(script, 'APT_TEST'), ['e']);
  assert.throws(() => parseAptPackages('echo hi'), /APT_RUNTIME/);
});

test('on this machine (set up by npm test) every check passes', async () => {
  const result = await runDoctor({ dataDir: tempDir() });
  assert.deepEqual(result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`), []);
  assert.equal(result.ok, true);
  assert.equal(result.checks.filter((c) => c.name.startsWith('package ')).length, readAptPackages(repoRoot()).length);
  assert.match(result.checks.find((c) => c.name === 'command ffmpeg')!.detail, /^ffmpeg version \S+/);
  assert.match(result.checks.find((c) => c.name === 'command pocketsphinx_continuous')!.detail, /^pocketsphinx \S+/);
  assert.match(result.checks.find((c) => c.name === 'apertium pairs')!.detail, /\beng-spa\b/);
  assert.match(formatDoctor(result), /\nAll checks passed\.$/);
});

test('CLI, ffmpeg gone from PATH (its package still installed): fails, and the fix is a reinstall', async () => {
  const { code, out } = await doctorCli(pathWith(['ffmpeg', 'ffprobe']));
  assert.equal(code, 1, out);
  assert.match(out, /^FAIL {2}command ffmpeg: not found on PATH$/m);
  assert.match(out, /^FAIL {2}command ffprobe: not found on PATH$/m);
  assert.match(out, /^ ok {3}command espeak-ng: /m, 'the other tools are still found');
  assert.match(out, /\nTo fix:\n {2}apt-get install -y --reinstall ffmpeg\n/);
  assert.match(out, /\n2 checks failed\.\n$/);
});

test('CLI, a broken espeak-ng on PATH: fails with its error; the same PATH with a working one passes', async () => {
  const broken = await doctorCli(pathWith([], { 'espeak-ng': 'echo "espeak-ng: error while loading shared libraries: libespeak-ng.so.1" >&2; exit 127' }));
  assert.equal(broken.code, 1, broken.out);
  assert.match(broken.out, /^FAIL {2}command espeak-ng: does not run: espeak-ng: error while loading shared libraries: libespeak-ng\.so\.1$/m);
  assert.match(broken.out, /\nTo fix:\n {2}apt-get install -y --reinstall espeak-ng\n/);
  assert.match(broken.out, /\n1 check failed\.\n$/);

  const working = await doctorCli(pathWith([]));
  assert.equal(working.code, 0, working.out);
  assert.match(working.out, /^ ok {3}command espeak-ng: eSpeak NG text-to-speech: \S+/m);
  assert.match(working.out, /\nAll checks passed\.\n$/);
});

test('a package that is not installed fails with the apt-get line that installs it', async () => {
  const bogus = 'dubarr-no-such-package';
  const result = await runDoctor({ dataDir: tempDir(), aptPackages: ['ffmpeg', bogus] });
  assert.equal(result.ok, false);
  const check = result.checks.find((c) => c.name === `package ${bogus}`)!;
  assert.deepEqual([check.ok, check.detail], [false, 'not installed']);
  assert.equal(check.fix, `apt-get update && apt-get install -y --no-install-recommends ${bogus}`);
  assert.equal(result.checks.find((c) => c.name === 'package ffmpeg')?.ok, true);
  const text = formatDoctor(result);
  assert.match(text, new RegExp(`^FAIL {2}package ${bogus}: not installed$`, 'm'));
  assert.ok(text.includes(`\nTo fix:\n  ${check.fix}\n`), text);
});

test('a data dir that cannot be created fails; low disk space only warns', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a-file'), '');
  const blocked = await runDoctor({ dataDir: join(dir, 'a-file', 'data'), aptPackages: [] });
  const dataCheck = blocked.checks.find((c) => c.name === 'data dir')!;
  assert.equal(dataCheck.ok, false);
  assert.match(dataCheck.detail, /not a directory/);

  mkdirSync(join(dir, 'data'));
  const tight = await runDoctor({ dataDir: join(dir, 'data'), aptPackages: [], minFreeBytes: Number.MAX_SAFE_INTEGER });
  const disk = tight.checks.find((c) => c.name === 'disk space')!;
  assert.equal(disk.ok, true);
  assert.equal(disk.warning, true);
  assert.match(formatDoctor(tight), /^warn {2}disk space: [\d.]+ GB free/m);
});
