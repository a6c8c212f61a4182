/**
 * Runs an engine's command-line tool the way every stage needs: output collected (or streamed),
 * an abort or timeout kills it at once (its whole process group when it starts a pipeline of
 * its own), and every failure is a coded error that says what to do next.
 */
import { spawn } from 'node:child_process';
import { DubarrError } from './errors.js';

export interface ToolRun {
  binary: string;
  args: readonly string[];
  /** Name used in messages ('espeak-ng'). */
  tool: string;
  /** The command that installs it, said when the binary is missing. */
  install: string;
  /** What to try when it fails. */
  failureHint: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Written to its standard input, which is then closed (default: no input). */
  stdin?: string;
  /** Start it in its own process group and kill the group (for scripts that spawn pipelines). */
  processGroup?: boolean;
  /** Streams stdout as text; the result is then ''. */
  onStdout?(text: string): void;
  /** The part of stderr that explains a failure (default: its last lines). */
  explain?(stderr: string): string;
}

const STDERR_KEEP = 16_000;

export function runTool(r: ToolRun): Promise<string> {
  return new Promise((resolve, reject) => {
    if (r.signal?.aborted) return reject(new DubarrError('E_CANCELLED', 'Cancelled'));
    const child = spawn(r.binary, r.args, { detached: r.processGroup ?? false, stdio: [r.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: r.env ?? process.env });
    const out: string[] = [];
    let err = '';
    let settled = false;
    const leaderAlive = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
    const kill = () => {
      try {
        // The group even when its leader has exited: a pipeline's other members (a shell
        // script's `a | b`) may still run and hold stdout open. Nobody left: ESRCH.
        if (r.processGroup && child.pid) process.kill(-child.pid, 'SIGKILL');
        else if (leaderAlive()) child.kill('SIGKILL');
      } catch { /* already gone */ }
    };
    const finish = (e: DubarrError | undefined) => {
      if (settled) return;
      settled = true;
      r.signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      if (!e) return resolve(out.join(''));
      // Settle once the leader is gone: a cancelled stage leaves no process behind, none
      // writing into a work dir that is being removed. SIGKILL cannot be ignored, so this is prompt.
      const alive = leaderAlive();
      kill();
      if (alive) child.once('exit', () => reject(e));
      else reject(e);
    };
    const onAbort = () => finish(new DubarrError('E_CANCELLED', 'Cancelled'));
    r.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = r.timeoutMs
      ? setTimeout(() => finish(new DubarrError('E_PROVIDER_FAILED', `${r.tool} did not answer within ${r.timeoutMs} ms`)), r.timeoutMs)
      : undefined;
    child.stdout!.setEncoding('utf8').on('data', (s: string) => { if (r.onStdout) r.onStdout(s); else out.push(s); });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => { err = (err + s).slice(-STDERR_KEEP); });
    if (r.stdin !== undefined) {
      // A tool that exits without reading all of it (a failure) closes the pipe: EPIPE is
      // then not the error to report; its exit status and stderr are.
      child.stdin!.on('error', () => {});
      child.stdin!.end(r.stdin);
    }
    child.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ENOENT'
      ? new DubarrError('E_PROVIDER_UNAVAILABLE', `${r.tool} is not installed (${r.binary} not found): ${r.install}`)
      : new DubarrError('E_PROVIDER_FAILED', `${r.binary} could not start: ${e.message}`, { cause: e })));
    child.on('close', (code, sig) => {
      if (code === 0) return finish(undefined);
      const why = (r.explain ? r.explain(err) : err.trim().split('\n').slice(-5).join(' | ')) || 'no message';
      finish(new DubarrError('E_PROVIDER_FAILED', `${r.tool} failed (${sig ?? `exit ${code}`}): ${why}. ${r.failureHint}`));
    });
  });
}
