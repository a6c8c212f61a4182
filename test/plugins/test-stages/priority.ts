import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { defineStage } from '../../../plugins/sdk/plugin.js';

/** The nice value in a /proc/<id>/stat line (field 19; the command name in parentheses may hold spaces). */
const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);

/** Reports its own thread's nice value and that of a process it starts, as `data`. */
export default defineStage(async () => {
  const self = niceOf(readFileSync(`/proc/${readlinkSync('/proc/thread-self')}/stat`, 'utf8'));
  const child = niceOf(execFileSync('cat', ['/proc/self/stat'], { encoding: 'utf8' }));
  return { files: {}, data: { self, child } };
});
