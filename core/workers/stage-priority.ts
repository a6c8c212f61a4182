import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * The nice value of the threads that run worker stages. Every engine a stage starts (pocketsphinx,
 * espeak-ng, apertium, ...) is forked from such a thread and inherits it. Dubs are batch work: at
 * nice 10 they still take every idle core, but the server's main thread (HTTP, GraphQL, the
 * scheduler) is served first when both want a core, so a dub cannot starve the API.
 */
export const STAGE_THREAD_NICE = 10;

/**
 * Lowers the calling thread's CPU priority (Linux keeps a nice value per thread: setpriority on a
 * thread id changes that thread alone, and threads and processes it starts from then on inherit
 * it). Never raises it: a server started at a nice value above this one keeps its own. Elsewhere,
 * or when /proc is not mounted, nothing changes. Returns whether it changed.
 */
export function lowerThisThreadPriority(nice = STAGE_THREAD_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // '/proc/thread-self' links to '<pid>/task/<tid>'.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || getPriority(tid) >= nice) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
