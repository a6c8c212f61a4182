/** Runs espeak-ng once; an abort kills it at once. */
import { spawn } from 'node:child_process';
import { DubarrError } from '../sdk/index.js';

const STDERR_KEEP = 2000;

export function runEspeak(binary: string, args: readonly string[], signal?: AbortSignal, timeoutMs?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DubarrError('E_CANCELLED', 'Cancelled'));
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    const finish = (e: DubarrError | undefined) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      if (e) { child.kill('SIGKILL'); reject(e); } else resolve(Buffer.concat(out).toString('utf8'));
    };
    const onAbort = () => finish(new DubarrError('E_CANCELLED', 'Cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs ? setTimeout(() => finish(new DubarrError('E_PROVIDER_FAILED', `${binary} did not answer within ${timeoutMs} ms`)), timeoutMs) : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => { err = (err + b.toString('utf8')).slice(-STDERR_KEEP); });
    child.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ENOENT'
      ? new DubarrError('E_PROVIDER_UNAVAILABLE', `espeak-ng is not installed (${binary} not found): apt-get install espeak-ng`)
      : new DubarrError('E_PROVIDER_FAILED', `${binary} could not start: ${e.message}`, { cause: e })));
    child.on('close', (code, sig) => {
      if (code === 0) return finish(undefined);
      finish(new DubarrError('E_PROVIDER_FAILED', `${binary} failed (${sig ?? `exit ${code}`}): ${err.trim() || 'no message'}. ` +
        'Run `espeak-ng --voices` to check the install; reinstalling espeak-ng-data usually fixes missing data.'));
    });
  });
}
