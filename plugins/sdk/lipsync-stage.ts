/**
 * The media half of a lip-sync step, for any engine: `lipsyncStage(engine)` is a StageRun for
 * capability 'lipsync' (inputs: source, extract, fit, mix). It finds the dubbed lines that show a
 * face (face-sampling.ts, through UltraFace when its ONNX file is in place), plans keyframe-aligned
 * spans around them (lipsync-spans.ts), has the engine re-render each span with the dub, and
 * splices the results into the source's video stream (video-splice.ts): `files.video` is one video
 * stream, the source's frame count and duration, copied outside the spans.
 *
 * A cloud plugin writes `export default lipsyncStage({ engine: (input, ctx) => ..., settings: (o) => o.lipsync })`;
 * the engine is where uploads, predictions and ctx.cost belong. Nothing here touches the network.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { FitPlan } from './artifacts.js';
import { DubarrError, throwIfCancelled } from './errors.js';
import { openFaceDetector } from './face-detector.js';
import { facesInLines, type LineFaces } from './face-sampling.js';
import { planSpans, type DubbedLine } from './lipsync-spans.js';
import { modelsDir } from './models.js';
import { onnxRuntimeOptions } from './onnx-session.js';
import { defineStage, type StageContext, type StageInput, type StageRun } from './plugin.js';
import { optionalDocument, parseOptions, requireDocument } from './stage-input.js';
import { spliceVideoInfo } from './video-keyframes.js';
import { spliceSpans, type LipsyncEngine } from './video-splice.js';

/** Where the face detector is looked for, under models.dir, unless lipsync.faceModel says otherwise. */
export const DEFAULT_FACE_MODEL = 'ultraface-rfb-320/version-RFB-320.onnx';

export const LipsyncSettings = z.strictObject({
  /** UltraFace version-RFB-320 ONNX file: absolute, or relative to models.dir. */
  faceModel: z.string().min(1).default(DEFAULT_FACE_MODEL),
  /**
   * Without the face detector: 'every-line' sends every dubbed line to the engine (whose model
   * checks for a face itself, at the price of re-rendering faceless shots), 'skip' leaves the
   * video as it is, 'fail' stops the job with E_MODEL_MISSING.
   */
  withoutDetector: z.enum(['every-line', 'skip', 'fail']).default('every-line'),
  /** Frames a second looked at inside each dubbed line. */
  samplesPerSecond: z.number().positive().max(30).default(2),
  /** Face probability a detection needs. */
  faceThreshold: z.number().min(0).max(1).default(0.7),
  /** Faces smaller than this fraction of the frame's height do not count (no visible mouth). */
  minFaceHeight: z.number().min(0).max(1).default(0.05),
  /** Spans whose gap is shorter than this are re-rendered as one. */
  mergeGapMs: z.int().min(0).max(600_000).default(2000),
  /** x264 quality of the re-encoded spans (lower is better; 18 is visually lossless for most). */
  crf: z.int().min(0).max(51).default(18),
  ...onnxRuntimeOptions,
});
export type LipsyncSettings = z.infer<typeof LipsyncSettings>;

/** What the step did: the stage's `data`. */
export interface LipsyncResult {
  skipped?: string;
  /** 'ultraface' when faces were looked for, 'none' when every dubbed line was taken. */
  detector: 'ultraface' | 'none';
  lines: number;
  /** Lines that show a face (all of them without a detector). */
  linesToSync: number;
  samples: number;
  spans: Array<{ startMs: number; endMs: number; lines: string[]; frames: number }>;
  reencodedFrames: number;
  frames?: number;
  durationMs?: number;
}

export type EngineFor<O> = (input: StageInput<O>, ctx: StageContext) => LipsyncEngine;

const ExtractInfo = z.object({ hasVideo: z.boolean() });

function faceModelPath(s: LipsyncSettings): string {
  return isAbsolute(s.faceModel) ? s.faceModel : join(modelsDir(), s.faceModel);
}

export function lipsyncStage<O = unknown>(setup: LipsyncEngine | { engine: EngineFor<O>; settings?(options: O): unknown }): StageRun<O, LipsyncResult> {
  const engineFor: EngineFor<O> = typeof setup === 'function' ? () => setup : setup.engine;
  const settingsOf = typeof setup === 'function' ? (o: O) => o : (setup.settings ?? ((o: O) => o));
  return defineStage<O, LipsyncResult>(async (input, ctx) => {
    const s = parseOptions(LipsyncSettings, { ...input, options: settingsOf(input.options) }, 'lipsync');
    const source = input.inputs.source?.files.media;
    if (!source) throw new DubarrError('E_INVALID_ARGUMENT', 'lipsync needs inputs.source (the job\'s media file)');
    const dub = input.inputs.mix?.files.track;
    if (!dub) throw new DubarrError('E_INVALID_ARGUMENT', 'lipsync needs inputs.mix (the mixed dub track, files.track)');
    const plan = requireDocument(FitPlan, input, 'fit', 'a FitPlan', 'lipsync');
    const none = (skipped: string, extra: Partial<LipsyncResult> = {}) => ({ data: { skipped, detector: 'none' as const, lines: plan.units.length, linesToSync: 0, samples: 0, spans: [], reencodedFrames: 0, ...extra } });
    if (optionalDocument(ExtractInfo, input, 'extract', 'media info')?.hasVideo === false) return none('the source has no video');

    const lines: DubbedLine[] = plan.units.map((u) => ({ id: u.id, startMs: u.placedStart, endMs: u.placedEnd })).filter((l) => l.endMs > l.startMs);
    const model = faceModelPath(s);
    let faces: LineFaces[] | undefined;
    if (existsSync(model)) {
      const detector = await openFaceDetector(model, { executionProviders: s.executionProviders, threads: s.threads, label: 'ultraface', log: ctx.log });
      faces = await facesInLines(source, lines, detector, { threshold: s.faceThreshold, minHeight: s.minFaceHeight, perSecond: s.samplesPerSecond },
        { signal: ctx.signal, cancelFlag: ctx.cancelFlag, progress: (f) => ctx.progress(0.3 * f, 'looking for faces') });
    } else if (s.withoutDetector === 'fail') {
      throw new DubarrError('E_MODEL_MISSING', `lip-sync looks for faces with UltraFace, and ${model} is not there: put version-RFB-320.onnx there (see the README, "Lip-sync"), set lipsync.faceModel, or set lipsync.withoutDetector to every-line`);
    } else if (s.withoutDetector === 'skip') {
      return none(`no face detector at ${model} (lipsync.withoutDetector: skip)`);
    } else {
      ctx.log.info({ faceModel: model }, 'lip-sync: no face detector; every dubbed line goes to the engine (lipsync.withoutDetector: every-line)');
    }
    const toSync = faces ? lines.filter((l, i) => faces[i]!.withFace > 0) : lines;
    const detector = faces ? 'ultraface' as const : 'none' as const;
    const samples = faces?.reduce((n, f) => n + f.samples, 0) ?? 0;
    if (!toSync.length) return none(faces ? 'no dubbed line shows a face' : 'there are no dubbed lines', { detector, samples });
    throwIfCancelled(ctx);

    const info = await spliceVideoInfo(source, ctx.signal);
    const spans = planSpans(toSync, info.keyframesMs, info.durationMs, s.mergeGapMs);
    const spliced = await spliceSpans({
      source, dub, spans, engine: engineFor(input, ctx), workDir: ctx.workDir, signal: ctx.signal, cancelFlag: ctx.cancelFlag, crf: s.crf, info,
      progress: (f) => ctx.progress(0.3 + 0.7 * f, 'lip-sync'),
    });
    return {
      files: { video: spliced.path },
      data: {
        detector, lines: lines.length, linesToSync: toSync.length, samples,
        spans: spans.map((sp, i) => ({ ...sp, frames: spliced.spans[i]!.frames })),
        reencodedFrames: spliced.reencodedFrames, frames: info.frames, durationMs: info.durationMs,
      },
    };
  });
}
