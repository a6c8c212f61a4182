import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DubarrError } from '../../../plugins/sdk/errors.js';
import { defineStage } from '../../../plugins/sdk/plugin.js';
import { logRun } from './run-log.js';

/**
 * Sleeps in small steps (honouring abort), then writes a file derived from its inputs
 * (params.bytes long, if given).
 * params.untilCancelled: never finishes on its own (for cancel and timeout tests); it reports
 * progress ('started') first, so a test can act once it is certainly running.
 * params.holdDir + params.holdAt (0..1): at that point of its work the stage writes
 * <holdDir>/<step>.holding and waits for <holdDir>/<step>.release, so a test can kill a process
 * while this stage is certainly in the middle of its work.
 */
export default defineStage<{ logFile: string; ms: number }>(async (input, ctx) => {
  const start = Date.now();
  const ms = Number(input.params.ms ?? input.options.ms);
  const steps = 10;
  if (input.params.untilCancelled) {
    ctx.progress(0, 'started');
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      if (ctx.signal.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled');
    }
  }
  const holdAt = typeof input.params.holdAt === 'number' ? Math.round(input.params.holdAt * steps) : -1;
  for (let i = 0; i < steps; i++) {
    if (i === holdAt) await holdUntilReleased(String(input.params.holdDir), String(input.params.step), ctx.signal);
    await new Promise((r) => setTimeout(r, ms / steps));
    if (ctx.signal.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled');
    ctx.progress((i + 1) / steps, `tick ${i + 1}`);
  }
  const h = createHash('sha256').update(String(input.params.step ?? ''));
  for (const [name, out] of Object.entries(input.inputs).sort()) {
    h.update(name);
    for (const f of Object.values(out.files)) h.update(readFileSync(f));
  }
  const file = join(ctx.workDir, 'out.txt');
  const text = `${h.digest('hex')}\n`;
  writeFileSync(file, input.params.bytes ? text.padEnd(Number(input.params.bytes), '.') : text);
  logRun(input.options.logFile, { stage: 'slow', step: input.params.step, job: input.params.job, priority: input.params.priority, start, end: Date.now() });
  return { files: { out: file }, data: { step: input.params.step } };
});

async function holdUntilReleased(dir: string, step: string, signal: AbortSignal): Promise<void> {
  writeFileSync(join(dir, `${step}.holding`), '');
  while (!existsSync(join(dir, `${step}.release`))) {
    if (signal.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled');
    await new Promise((r) => setTimeout(r, 20));
  }
}
