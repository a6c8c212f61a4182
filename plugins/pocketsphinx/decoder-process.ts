/** Runs pocketsphinx_continuous on one raw PCM stream file, parsing its output as it comes. */
import { spawn } from 'node:child_process';
import { DubarrError } from '../sdk/index.js';
import { DecoderOutputParser, type Utterance } from './decoder-output.js';

export interface DecoderRun {
  binary: string;
  args: string[];
  signal?: AbortSignal;
  /** Called when the decoder reports a new furthest time (ms of the stream). */
  onReached?(ms: number): void;
}

const KEEP_LINES = 30;

export function runDecoder({ binary, args, signal, onReached }: DecoderRun): Promise<Utterance[]> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DubarrError('E_CANCELLED', 'Cancelled'));
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const parser = new DecoderOutputParser();
    // It logs hundreds of INFO lines; only warnings and errors say what went wrong.
    const problems: string[] = [];
    let errPartial = '';
    let settled = false;
    const finish = (e: DubarrError | undefined) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (e) { child.kill('SIGKILL'); reject(e); } else resolve(parser.end());
    };
    const onAbort = () => finish(new DubarrError('E_CANCELLED', 'Cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      const before = parser.reachedMs;
      if (parser.push(s) && parser.reachedMs > before) onReached?.(parser.reachedMs);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      const lines = (errPartial + s).split('\n');
      errPartial = lines.pop()!;
      for (const l of lines) if (/^(ERROR|FATAL|WARN|SYSTEM_ERROR)/.test(l)) problems.push(l);
      problems.splice(0, Math.max(0, problems.length - KEEP_LINES));
    });
    child.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ENOENT'
      ? new DubarrError('E_PROVIDER_UNAVAILABLE', `pocketsphinx is not installed (${binary} not found): apt-get install pocketsphinx pocketsphinx-en-us`)
      : new DubarrError('E_PROVIDER_FAILED', `${binary} could not start: ${e.message}`, { cause: e })));
    child.on('close', (code, sig) => {
      if (code === 0) return finish(undefined);
      const why = problems.filter((l) => !l.startsWith('WARN')).slice(-5).join(' | ') || errPartial || 'no message';
      finish(new DubarrError('E_PROVIDER_FAILED',
        `${binary} failed (${sig ?? `exit ${code}`}): ${why}. Check the model paths (modelDir/hmm/lm/dict options); ` +
        'apt-get install --reinstall pocketsphinx-en-us restores the default model.'));
    });
  });
}
