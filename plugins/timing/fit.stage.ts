/**
 * timing:fit — each synthesized unit placed at its source start and sped up (pitch kept) only
 * as far as its slot needs, bounded by maxFactor and smoothed across neighbours (plan.ts);
 * whatever still overflows is cut with a fade before the next unit, so nothing overlaps and
 * nothing drifts. Durations recorded are measured from the written files.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineStage, throwIfCancelled, type FitPlan, type FitUnit } from '../sdk/index.js';
import { readWavInfo } from '../sdk/wav.js';
import { planTiming, summarize, type TimedClip } from './plan.js';
import { openSourceClip, type SourceClip } from './source-clip.js';
import { readMediaEndMs, readOptions, readSpeech } from './stage-inputs.js';
import { stretchClip, type Stretcher } from './stretch.js';
import { trimWithFade } from './trim.js';

export default defineStage<unknown, FitPlan>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = readOptions(input);
  const { speech, clips } = readSpeech(input);
  const mediaEndMs = readMediaEndMs(input);

  // Plan on the clips' real lengths, not on what the synthesizer reported.
  const sources = new Map<string, SourceClip>();
  let sampleRate: number | undefined;
  for (const [i, s] of speech.segments.entries()) {
    throwIfCancelled(ctx);
    const clip = await openSourceClip(clips.get(s.id)!, sampleRate, join(ctx.workDir, `source-${i}.wav`), ctx.cancelFlag);
    sampleRate ??= clip.sampleRate;
    sources.set(s.id, clip);
  }
  const timed: TimedClip[] = speech.segments.map((s) => ({ id: s.id, start: s.start, end: s.end, durationMs: sources.get(s.id)!.durationMs }));
  const placed = planTiming(timed, { ...options, mediaEndMs });
  const rate = new Map(speech.segments.map((s) => [s.id, s.rate]));

  const files: Record<string, string> = {};
  const units: FitUnit[] = [];
  let stretcher: Stretcher | undefined;
  for (const [i, p] of placed.entries()) {
    throwIfCancelled(ctx);
    const source = sources.get(p.id)!;
    const out = join(ctx.workDir, `fitted-${String(i).padStart(5, '0')}.wav`);
    if (p.factor > 1) stretcher = stretchClip(source.path, out, p.factor, options.stretcher, ctx.cancelFlag);
    else await copyFile(source.path, out);
    const availFrames = Number.isFinite(p.availableMs) ? Math.floor((p.availableMs * source.sampleRate) / 1000) : Infinity;
    const trimmedFrames = (await readWavInfo(out)).frames > availFrames ? await trimWithFade(out, availFrames, options.fadeMs) : 0;
    const durationMs = (await readWavInfo(out)).durationMs;
    files[p.id] = out;
    units.push({
      id: p.id, start: p.start, end: p.end, file: p.id,
      durationMs, sourceDurationMs: source.durationMs, factor: p.factor, rate: rate.get(p.id)!,
      placedStart: p.placedStart, placedEnd: p.placedStart + durationMs,
      overflowMs: p.overflowMs, trimmedMs: Math.round((trimmedFrames * 1000) / source.sampleRate),
    });
    ctx.progress((i + 1) / placed.length, `unit ${p.id}${p.factor > 1 ? ` at ${p.factor}x` : ''}`);
  }
  const trimmed = units.filter((u) => u.trimmedMs > 0);
  if (trimmed.length) ctx.log.warn({ units: trimmed.map((u) => ({ id: u.id, trimmedMs: u.trimmedMs })) }, 'units cut at their slot end: even the fastest allowed pace does not fit');
  ctx.progress(1);
  return {
    files,
    data: {
      language: speech.language,
      sampleRate: sampleRate ?? 22_050,
      ...(stretcher ? { stretcher } : {}),
      units,
      summary: { ...summarize(placed), trimmed: trimmed.length },
    },
  };
});
