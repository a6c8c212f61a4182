/**
 * Runs the apertium launcher. It is a shell script that starts a pipeline of half a dozen
 * programs, so it runs in its own process group and an abort kills the whole group. Input
 * goes in as a file: the script opens /dev/stdin by name, which fails on the socket Node
 * gives a child as stdin. Its temp files go to `tmpDir`, so a killed run leaves none in /tmp.
 */
import { runTool } from '../sdk/child-process.js';

export interface ApertiumRun {
  binary: string;
  args: string[];
  signal?: AbortSignal;
  /** TMPDIR for the script's own temp files (the stage's work dir). */
  tmpDir?: string;
  timeoutMs?: number;
}

export function runApertium({ binary, args, signal, timeoutMs, tmpDir }: ApertiumRun): Promise<string> {
  return runTool({
    binary, args, signal, timeoutMs, processGroup: true, tool: 'apertium',
    env: tmpDir ? { ...process.env, TMPDIR: tmpDir } : undefined,
    install: 'apt-get install apertium apertium-eng-spa',
    failureHint: 'Check that `apertium -l` lists the mode; reinstalling the pair package usually fixes a broken one.',
  });
}
