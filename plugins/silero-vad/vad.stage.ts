import { defineStage, throwIfCancelled, type SpeechSegments } from '../sdk/index.js';
import { segmentSpeech } from '../sdk/speech-segmenter.js';
import { openAudio, readOptions } from './audio-input.js';
import { negThresholdOf } from './options.js';
import { speechProbabilities, WINDOW_MS } from './probabilities.js';
import { sileroSession } from './session.js';
import { weightsPath } from './weights.js';

export default defineStage<unknown, SpeechSegments>(async (input, ctx) => {
  const o = readOptions(input);
  const reader = await openAudio(input);
  try {
    const { session, loadMs } = await sileroSession(weightsPath(o.model, o.modelPath), o.threads);
    throwIfCancelled(ctx);
    const t0 = performance.now();
    const { probs, lanes } = await speechProbabilities(reader, session, {
      lanes: o.lanes, cancel: ctx, progress: (f) => ctx.progress(f),
    });
    const inferenceMs = performance.now() - t0;
    const { durationMs } = reader.info;
    const segments = segmentSpeech(probs, {
      frameMs: WINDOW_MS, onThreshold: o.threshold, offThreshold: negThresholdOf(o),
      minSpeechMs: o.minSpeechMs, minSilenceMs: o.minSilenceMs, speechPadMs: o.speechPadMs,
      maxSegmentMs: o.maxSegmentMs, durationMs, meanScoreAsProbability: true,
    });
    ctx.log.info({
      loadMs: Math.round(loadMs), inferenceMs: Math.round(inferenceMs), rtf: durationMs ? inferenceMs / durationMs : 0,
      lanes, windows: probs.length, segments: segments.length,
    }, 'silero-vad finished');
    return { data: { durationMs, segments } };
  } finally {
    await reader.close();
  }
});
