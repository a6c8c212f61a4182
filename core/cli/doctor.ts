import { execFile } from 'node:child_process';
import { constants, existsSync, readFileSync } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadConfigWithFile } from '../config/load.js';
import { repoRoot } from '../config/repo-root.js';
import type { Config } from '../config/schema.js';
import { checkMediaServers } from './doctor-media-servers.js';

/*
 * `dubarr doctor`: is this machine able to run dubarr, and if not, the command that fixes it.
 * The apt packages it checks are setup.sh's APT_RUNTIME list, read at run time, so setup and
 * doctor can never disagree about what running needs. (Building the addon needs more; the
 * native addon check says whether it is built.)
 */

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** A command or action that fixes a failed check (or a warning). */
  fix?: string;
  /** Passed, but worth attention (e.g. little free disk space); does not make the result fail. */
  warning?: boolean;
}

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  /** The dubarr checkout; found from this module's location by default. */
  root?: string;
  /** Data folder to check; by default the configured dataDir (config loaded from `env`). */
  dataDir?: string;
  /** For loading the config when dataDir is not given; defaults to the process environment. */
  env?: NodeJS.ProcessEnv;
  /** Packages to check instead of setup.sh's APT_RUNTIME (tests inject a bogus one). */
  aptPackages?: readonly string[];
  /** Free space under which the data folder gets a warning; 5 GB by default. */
  minFreeBytes?: number;
  /** Media servers to check, and the folders API clients and webhooks may name; by default the loaded config's. */
  mediaServers?: Config['mediaServers'];
  mediaRoots?: Config['server']['mediaRoots'];
}

export const SETUP_SCRIPT = join('core', 'setup', 'setup.sh');
export const NATIVE_ADDON = join('native', 'build', 'Release', 'dubarr_native.node');
const GB = 1024 ** 3;
const COMMAND_TIMEOUT_MS = 10_000;

interface Binary { command: string; args: string[]; aptPackage: string; expect?: RegExp }
const BINARIES: Binary[] = [
  { command: 'ffmpeg', args: ['-version'], aptPackage: 'ffmpeg' },
  { command: 'ffprobe', args: ['-version'], aptPackage: 'ffmpeg' },
  { command: 'espeak-ng', args: ['--version'], aptPackage: 'espeak-ng' },
  { command: 'apertium', args: ['-V'], aptPackage: 'apertium' },
  // Has no version flag: run bare, it exits 1 after listing its arguments; the version comes from dpkg.
  { command: 'pocketsphinx_continuous', args: [], aptPackage: 'pocketsphinx', expect: /Arguments list definition/ },
];

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorResult> {
  const root = options.root ?? repoRoot();
  const aptPackages = options.aptPackages ?? readAptPackages(root);
  const { dataDir, configCheck, config } = resolveDataDir(options);
  const packages = await queryPackages(aptPackages);
  const fixFor = aptFixes(aptPackages, packages);
  const checks = [
    checkNode(root),
    ...(configCheck ? [configCheck] : []),
    ...packageChecks(aptPackages, packages, fixFor),
    ...(await Promise.all(BINARIES.map((b) => checkBinary(b, packages, fixFor)))),
    checkNativeAddon(root),
    await checkApertiumPairs(aptPackages, fixFor),
    ...(await checkDataDir(dataDir, options.minFreeBytes ?? 5 * GB)),
    ...(await checkMediaServers(options.mediaServers ?? config?.mediaServers ?? [], options.mediaRoots ?? config?.server.mediaRoots ?? [])),
  ];
  return { ok: checks.every((c) => c.ok), checks };
}

export function formatDoctor(result: DoctorResult): string {
  const lines = result.checks.map((c) => `${c.ok ? (c.warning ? 'warn' : ' ok ') : 'FAIL'}  ${c.name}: ${c.detail}`);
  const fixes = [...new Set(result.checks.filter((c) => c.fix && (!c.ok || c.warning)).map((c) => c.fix!))];
  if (fixes.length > 0) lines.push('', 'To fix:', ...fixes.map((f) => `  ${f}`));
  const failed = result.checks.filter((c) => !c.ok).length;
  lines.push('', failed === 0 ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`);
  return lines.join('\n');
}

export type AptList = 'APT_RUNTIME' | 'APT_BUILD' | 'APT_TEST';

/** One `NAME=( ... )` array of setup.sh, comments dropped. */
export function parseAptPackages(script: string, list: AptList = 'APT_RUNTIME'): string[] {
  const body = new RegExp(`^${list}=\\(([^)]*)\\)`, 'm').exec(script)?.[1];
  if (body === undefined) throw new Error(`no ${list}=( ... ) array in ${SETUP_SCRIPT}`);
  return body.split('\n').map((line) => line.replace(/#.*/, '')).join(' ').split(/\s+/).filter(Boolean);
}

export function readAptPackages(root: string, list: AptList = 'APT_RUNTIME'): string[] {
  return parseAptPackages(readFileSync(join(root, SETUP_SCRIPT), 'utf8'), list);
}

export function aptInstallCommand(packages: readonly string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

function checkNode(root: string): DoctorCheck {
  const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
  const [needMajor, needMinor] = (/(\d+)\.(\d+)/.exec(engines ?? '') ?? ['', '20', '17']).slice(1).map(Number) as [number, number];
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const ok = major > needMajor || (major === needMajor && minor >= needMinor);
  return { name: 'Node.js', ok, detail: `${process.versions.node} (needs >= ${needMajor}.${needMinor})`,
    fix: ok ? undefined : `install Node.js ${needMajor}.${needMinor} or newer (https://nodejs.org/en/download)` };
}

function resolveDataDir(options: DoctorOptions): { dataDir: string; configCheck?: DoctorCheck; config?: Config } {
  if (options.dataDir) return { dataDir: resolve(options.dataDir) };
  try {
    const { config, file } = loadConfigWithFile({ env: options.env });
    return { dataDir: config.dataDir, config, configCheck: { name: 'config', ok: true, detail: file ? `valid (${file})` : 'valid (defaults and DUBARR_* variables)' } };
  } catch (e) {
    return { dataDir: resolve('data'), configCheck: { name: 'config', ok: false, detail: (e as Error).message,
      fix: 'correct the keys listed above in the config file or DUBARR_* variables' } };
  }
}

type PackageState = Map<string, { installed: boolean; version: string }>;
type FixFor = (aptPackage: string) => string;

/**
 * One install line for every missing package, shared by all checks a missing package breaks,
 * so the user runs one command; an installed package whose files are broken gets a reinstall.
 */
function aptFixes(packages: readonly string[], state: PackageState | undefined): FixFor {
  const missing = packages.filter((p) => !state?.get(p)?.installed);
  const all = aptInstallCommand(missing);
  return (p) => missing.includes(p) ? all
    : state?.get(p)?.installed ? `apt-get install -y --reinstall ${p}` : aptInstallCommand([p]);
}

/** One dpkg-query for all packages; undefined when dpkg is not there (not Debian/Ubuntu). */
async function queryPackages(packages: readonly string[]): Promise<PackageState | undefined> {
  const unique = [...new Set([...packages, ...BINARIES.map((b) => b.aptPackage)])];
  const r = await run('dpkg-query', ['-W', '-f=${Package}\t${Status}\t${Version}\n', ...unique]);
  if (r.missing) return undefined;
  const state: PackageState = new Map();
  for (const line of r.stdout.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name && !state.get(name)?.installed) state.set(name, { installed: status === 'install ok installed', version: version ?? '' });
  }
  return state;
}

function packageChecks(packages: readonly string[], state: PackageState | undefined, fixFor: FixFor): DoctorCheck[] {
  if (!state) {
    return [{ name: 'apt packages', ok: false, detail: 'dpkg-query not found: this is not a Debian-based system',
      fix: `install the equivalents of: ${packages.join(' ')}` }];
  }
  return packages.map((p) => {
    const s = state.get(p);
    return s?.installed
      ? { name: `package ${p}`, ok: true, detail: `installed ${s.version}` }
      : { name: `package ${p}`, ok: false, detail: 'not installed', fix: fixFor(p) };
  });
}

async function checkBinary(b: Binary, packages: PackageState | undefined, fixFor: FixFor): Promise<DoctorCheck> {
  const name = `command ${b.command}`;
  const r = await run(b.command, b.args);
  const output = `${r.stdout}\n${r.stderr}`;
  const fix = fixFor(b.aptPackage);
  if (r.missing) return { name, ok: false, detail: 'not found on PATH', fix };
  const runs = b.expect ? b.expect.test(output) : r.code === 0;
  if (!runs) return { name, ok: false, detail: `does not run: ${firstLine(output) || `exit code ${r.code}`}`, fix };
  const version = b.expect ? `${b.aptPackage} ${packages?.get(b.aptPackage)?.version ?? '(version unknown)'}` : firstLine(output);
  return { name, ok: true, detail: version };
}

function checkNativeAddon(root: string): DoctorCheck {
  const file = join(root, NATIVE_ADDON);
  return existsSync(file)
    ? { name: 'native addon', ok: true, detail: file }
    : { name: 'native addon', ok: false, detail: `${file} is missing`, fix: 'npm run setup   # builds the native FFmpeg addon' };
}

/** Each apertium-xxx-yyy package must show up in `apertium -l` in at least one direction. */
async function checkApertiumPairs(packages: readonly string[], fixFor: FixFor): Promise<DoctorCheck> {
  const pairs = packages.map((p) => /^apertium-([a-z]{2,3})-([a-z]{2,3})$/.exec(p)).filter((m) => m !== null);
  const r = await run('apertium', ['-l']);
  const modes = r.missing ? [] : r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const found = (a: string, b: string) => modes.filter((m) => m === `${a}-${b}` || m.startsWith(`${a}-${b}_`));
  const missing = pairs.filter(([, a, b]) => found(a!, b!).length + found(b!, a!).length === 0).map(([pkg]) => pkg);
  const directions = pairs.flatMap(([, a, b]) => [`${a}-${b}`, `${b}-${a}`]).filter((d) => modes.includes(d));
  return missing.length === 0
    ? { name: 'apertium pairs', ok: true, detail: directions.join(', ') || 'none required' }
    : { name: 'apertium pairs', ok: false, detail: `not listed by \`apertium -l\`: ${missing.join(', ')}`,
      fix: [...new Set(missing.map((p) => fixFor(p!)))].join(' && ') };
}

async function checkDataDir(dataDir: string, minFreeBytes: number): Promise<DoctorCheck[]> {
  const existing = await nearestExisting(dataDir);
  const where = existing === dataDir ? dataDir : `${dataDir} (not created yet; checked ${existing})`;
  const isDir = await stat(existing).then((s) => s.isDirectory(), () => false);
  const writable = isDir && await access(existing, constants.W_OK).then(() => true, () => false);
  const checks: DoctorCheck[] = [writable
    ? { name: 'data dir', ok: true, detail: `${where} is writable` }
    : { name: 'data dir', ok: false, detail: `${where} is ${isDir ? 'not writable' : 'not a directory'}`,
      fix: `set dataDir (DUBARR_DATA_DIR) to a folder dubarr can write, or fix the permissions of ${existing}` }];
  if (isDir) {
    const fs = await statfs(existing);
    const free = fs.bavail * fs.bsize;
    const low = free < minFreeBytes;
    checks.push({ name: 'disk space', ok: true, warning: low || undefined,
      detail: `${(free / GB).toFixed(1)} GB free at ${existing}${low ? ` (under ${(minFreeBytes / GB).toFixed(0)} GB: dubbing a film needs room for audio and the stage cache)` : ''}`,
      fix: low ? 'free some space, move dataDir to a larger disk, or lower cache.maxSizeGb' : undefined });
  }
  return checks;
}

async function nearestExisting(path: string): Promise<string> {
  let p = resolve(path);
  while (!(await stat(p).then(() => true, () => false)) && dirname(p) !== p) p = dirname(p);
  return p;
}

interface RunResult { code: number | null; stdout: string; stderr: string; missing: boolean }

function run(command: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: string | number }) | null;
      done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout: String(stdout), stderr: String(stderr), missing: e?.code === 'ENOENT' });
    });
  });
}

function firstLine(text: string): string {
  return (text.split('\n').map((l) => l.trim()).find(Boolean) ?? '').slice(0, 100);
}
