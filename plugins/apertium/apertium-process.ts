/**
 * Runs the apertium launcher. It is a shell script that starts a pipeline of half a dozen
 * programs, so it runs in its own process group and an abort kills the whole group. Input
 * goes in as a file: the script opens /dev/stdin by name, which fails on the socket Node
 * gives a child as stdin. Its temp files go to `tmpDir`, so a killed run leaves none in /tmp.
 */
import { spawn } from 'node:child_process';
import { DubarrError } from '../sdk/index.js';

export interface ApertiumRun {
  binary: string;
  args: string[];
  signal?: AbortSignal;
  /** TMPDIR for the script's own temp files (the stage's work dir). */
  tmpDir?: string;
  timeoutMs?: number;
}

const STDERR_KEEP = 4000;

export function runApertium({ binary, args, signal, timeoutMs, tmpDir }: ApertiumRun): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DubarrError('E_CANCELLED', 'Cancelled'));
    const child = spawn(binary, args, {
      detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(tmpDir ? { env: { ...process.env, TMPDIR: tmpDir } } : {}),
    });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    const killGroup = () => {
      try { if (child.pid) process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    };
    const finish = (e: DubarrError | undefined, value = '') => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      if (e) { killGroup(); reject(e); } else resolve(value);
    };
    const onAbort = () => finish(new DubarrError('E_CANCELLED', 'Cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs ? setTimeout(() => finish(new DubarrError('E_PROVIDER_FAILED', `${binary} ${args.join(' ')} did not answer within ${timeoutMs} ms`)), timeoutMs) : undefined;

    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => { err = (err + b.toString('utf8')).slice(-STDERR_KEEP); });
    child.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ENOENT'
      ? new DubarrError('E_PROVIDER_UNAVAILABLE', `apertium is not installed (${binary} not found): apt-get install apertium apertium-eng-spa`)
      : new DubarrError('E_PROVIDER_FAILED', `${binary} could not start: ${e.message}`, { cause: e })));
    child.on('close', (code, sig) => {
      if (code === 0) return finish(undefined, Buffer.concat(out).toString('utf8'));
      finish(new DubarrError('E_PROVIDER_FAILED',
        `${binary} ${args.join(' ')} failed (${sig ?? `exit ${code}`}): ${err.trim() || 'no message'}. ` +
        'Check that `apertium -l` lists the mode; reinstalling the pair package usually fixes a broken one.'));
    });
  });
}
