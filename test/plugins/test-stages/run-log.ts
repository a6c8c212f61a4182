import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/** One line per stage run; O_APPEND keeps lines whole across threads and processes. */
export function logRun(file: string, rec: Record<string, unknown>): void {
  if (file) appendFileSync(file, `${JSON.stringify({ ...rec, pid: process.pid, thread: threadId })}\n`);
}
