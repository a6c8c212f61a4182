/** Runs espeak-ng once; an abort kills it at once. */
import { runTool } from '../sdk/child-process.js';

export function runEspeak(binary: string, args: readonly string[], signal?: AbortSignal, timeoutMs?: number): Promise<string> {
  return runTool({
    binary, args, signal, timeoutMs, tool: 'espeak-ng', install: 'apt-get install espeak-ng',
    failureHint: 'Run `espeak-ng --voices` to check the install; reinstalling espeak-ng-data usually fixes missing data.',
  });
}
