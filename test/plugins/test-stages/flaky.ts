import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DubarrError } from '../../../plugins/sdk/errors.js';
import { defineStage } from '../../../plugins/sdk/plugin.js';
import { logRun } from './run-log.js';

/** Fails params.failures times with params.code (default a retryable E_TRANSIENT), then succeeds. */
export default defineStage<{ logFile: string; counterDir: string }>(async (input, ctx) => {
  const counter = join(input.options.counterDir, `${String(input.params.key ?? 'flaky')}.count`);
  const n = existsSync(counter) ? Number(readFileSync(counter, 'utf8')) : 0;
  writeFileSync(counter, String(n + 1));
  logRun(input.options.logFile, { stage: 'flaky', attempt: n + 1, start: Date.now() });
  if (n < Number(input.params.failures ?? 0)) {
    throw new DubarrError((input.params.code as 'E_TRANSIENT') ?? 'E_TRANSIENT', `planned failure ${n + 1}`);
  }
  const file = join(ctx.workDir, 'ok.txt');
  writeFileSync(file, 'ok\n');
  return { files: { out: file }, data: { attempts: n + 1 } };
});
