/**
 * subtitle-writer:subtitle — SRT, WebVTT and ASS files from a Translation or a Transcript,
 * following the reading rules (line length and count, reading speed, minimum duration,
 * gaps). The formats are the job's `subtitleFormats` parameter (pipeline.subtitleFormats), else
 * SRT and WebVTT. Files: { srt, vtt, ass } (those chosen); data: a SubtitleReport.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DubarrError, defineStage, throwIfCancelled } from '../sdk/index.js';
import { formatAss } from './ass-format.js';
import { formatCues } from './format.js';
import { planCues } from './plan-cues.js';
import type { SubtitleReport } from './report.js';
import { readFormats, readOptions, readSource } from './stage-inputs.js';

export default defineStage<unknown, SubtitleReport>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = readOptions(input);
  const source = readSource(input);
  const plan = planCues(source.segments, options, source.language);
  ctx.progress(0.8, `${plan.cues.length} cues`);
  throwIfCancelled(ctx);
  const files: Record<string, string> = {};
  for (const format of readFormats(input)) {
    const path = join(ctx.workDir, `subtitles${source.language ? `.${source.language}` : ''}.${format}`);
    const text = format === 'ass' ? formatAss(plan.cues, { language: source.language ?? '', title: source.title }) : formatCues(plan.cues, format);
    await writeFile(path, text).catch((e: unknown) => {
      throw new DubarrError('E_OUTPUT_WRITE', `Cannot write ${path}: ${(e as Error).message}`, { cause: e });
    });
    files[format] = path;
  }
  if (plan.violations.length) {
    ctx.log.info({ count: plan.violations.length, first: plan.violations.slice(0, 5) }, 'subtitle cues that the timing does not let meet every reading rule');
  }
  ctx.progress(1);
  return { files, data: { language: source.language, from: source.kind, cues: plan.cues.length, violations: plan.violations } };
});
