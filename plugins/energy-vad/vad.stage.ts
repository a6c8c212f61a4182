import { defineStage, type SpeechSegments } from '../sdk/index.js';
import { segmentSpeech } from '../sdk/speech-segmenter.js';
import { openAudio, readOptions } from './audio-input.js';
import { frameLevels } from './frame-levels.js';
import { noiseFloor } from './noise-floor.js';

/** Score of frames below minLevelDb: never speech, and the first place to cut a long segment. */
const GATED = -1000;

export default defineStage<unknown, SpeechSegments>(async (input, ctx) => {
  const o = readOptions(input);
  const reader = await openAudio(input);
  try {
    const t0 = performance.now();
    const { levels, frameMs } = await frameLevels(reader, {
      frameMs: o.frameMs, highpassHz: o.highpassHz, cancel: ctx, progress: (f) => ctx.progress(f * 0.9),
    });
    const floor = noiseFloor(levels, Math.round(o.floorWindowMs / frameMs), o.floorPercentile);
    const scores = levels.map((db, i) => (db < o.minLevelDb ? GATED : db - floor[i]!));
    const { durationMs } = reader.info;
    // No probability: a level above the floor is not one, and consumers read it as confidence.
    const segments = segmentSpeech(scores, {
      frameMs, onThreshold: o.onDb, offThreshold: o.offDb,
      minSpeechMs: o.minSpeechMs, minSilenceMs: o.minSilenceMs, speechPadMs: o.speechPadMs,
      maxSegmentMs: o.maxSegmentMs, durationMs,
    });
    const elapsedMs = performance.now() - t0;
    ctx.log.info({ elapsedMs: Math.round(elapsedMs), rtf: durationMs ? elapsedMs / durationMs : 0, frames: levels.length, segments: segments.length }, 'energy-vad finished');
    ctx.progress(1);
    return { data: { durationMs, segments } };
  } finally {
    await reader.close();
  }
});
