/**
 * docker/ cannot drift from the setup step: no Docker engine runs here, so the Dockerfile is
 * read as text (each stage installs setup.sh's lists and the build runs setup.sh itself), and
 * the entrypoint runs for real as root, taking the PUID/PGID it is given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../config/repo-root.js';
import { readAptPackages } from '../cli/doctor.js';

const run = promisify(execFile);
const root = repoRoot();

interface Stage { from: string; runs: string[] }

/** The Dockerfile's stages, each with its RUN commands (continuation lines joined). */
function stagesOf(dockerfile: string): Stage[] {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const l of lines) {
    if (/^FROM\s/i.test(l)) stages.push({ from: l, runs: [] });
    else if (/^RUN\s/i.test(l)) stages.at(-1)!.runs.push(l.slice(4).trim());
  }
  return stages;
}

/** The packages an `apt-get install` in these commands names. */
function aptInstalled(runs: string[]): string[] {
  return runs.flatMap((r) => r.split('&&')).filter((c) => /apt-get install/.test(c))
    .flatMap((c) => c.replace(/.*apt-get install/, '').split(/\s+/).filter((w) => w && !w.startsWith('-')));
}

test('docker/Dockerfile: the build stage installs APT_RUNTIME + APT_BUILD and runs the setup step; the image installs APT_RUNTIME only; a health check on /healthz', async () => {
  const text = await readFile(join(root, 'docker', 'Dockerfile'), 'utf8');
  const stages = stagesOf(text);
  const joined = text.replace(/\\\n/g, ' ');
  assert.equal(stages.length, 2, stages.map((s) => s.from).join(' | '));
  const [build, image] = stages as [Stage, Stage];
  const sorted = (a: string[]) => [...a].sort();
  assert.deepEqual(sorted(aptInstalled(build.runs)), sorted([...readAptPackages(root), ...readAptPackages(root, 'APT_BUILD')]));
  assert.deepEqual(sorted(aptInstalled(image.runs)), sorted(readAptPackages(root)));
  assert.ok(build.runs.some((r) => /(^|&&\s*|\s)DUBARR_SETUP_TEST_TOOLS=0 bash core\/setup\/setup\.sh(\s|&&|$)/.test(r)), 'the build is the setup step itself');
  assert.match(text, /^FROM \$\{NODE_IMAGE\} AS build$/m);
  assert.match(text, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m, 'Debian bookworm, Node 20');
  assert.match(joined, /^HEALTHCHECK .*127\.0\.0\.1:7878\/healthz/m);
  assert.match(text, /^VOLUME \["\/config", "\/media"\]$/m);
  assert.match(text, /^ENTRYPOINT \["\/app\/docker\/entrypoint\.sh"\]$/m);
  // The setup's npm step must not override a build argument asking for the CUDA provider.
  assert.match(await readFile(join(root, 'core', 'setup', 'setup.sh'), 'utf8'), /ONNXRUNTIME_NODE_INSTALL=\$\{ONNXRUNTIME_NODE_INSTALL:-skip\} npm ci/);
  // Nothing built on the host goes into the build context.
  const ignored = (await readFile(join(root, '.dockerignore'), 'utf8')).split('\n');
  for (const p of ['node_modules', 'dist', 'native/build', 'data', '.git']) assert.ok(ignored.includes(p), `.dockerignore lists ${p}`);
});

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

test('docker/entrypoint.sh as root: writes a starter config, hands the config folder to PUID/PGID and runs dubarr as that user', { skip: asRoot ? false : 'needs root (it changes owners and drops privileges)' }, async () => {
  // /var/tmp, not the test's own temp dir: the user it switches to must be able to reach it.
  const dir = await mkdtemp('/var/tmp/dubarr-entrypoint-');
  try {
    await mkdir(join(dir, 'data'));
    await writeFile(join(dir, 'data', 'left-by-root.txt'), 'x');
    const env = { ...process.env, PUID: String(NOBODY), PGID: String(NOBODY), DUBARR_CONFIG: join(dir, 'dubarr.yaml'), DUBARR_DATA_DIR: join(dir, 'data'), DUBARR_LOG_LEVEL: 'error' };
    const entrypoint = join(root, 'docker', 'entrypoint.sh');
    const created = await run(entrypoint, ['keys', 'create', '--name', 'docker-test'], { env });
    assert.match(created.stdout.trim().split('\n').at(-1)!, /^\S{20,}$/, 'the key, alone on the last line');
    assert.match(await readFile(join(dir, 'dubarr.yaml'), 'utf8'), /^\{\}$/m, 'a starter config that loads');
    for (const f of ['.', 'dubarr.yaml', 'data', 'data/left-by-root.txt', 'data/dubarr.db']) {
      const s = await stat(join(dir, f));
      assert.deepEqual([s.uid, s.gid], [NOBODY, NOBODY], `${f} belongs to PUID:PGID`);
    }
    const listed = await run(entrypoint, ['keys', 'list'], { env });
    assert.match(listed.stdout, /docker-test/);
    const whoami = await run(entrypoint, ['--version'], { env: { ...env, PUID: 'abc' } }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((whoami as { code: number }).code, 2);
    assert.match((whoami as { stderr: string }).stderr, /PUID and PGID must be numbers/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
