/**
 * diarize:diarize — who speaks when in the 16 kHz analysis track, within the VAD's speech: a
 * Diarization document with speakers S1, S2 ... of this file (identify-speakers then names them
 * by the series' speaker library).
 */
import { defineStage, throwIfCancelled, type Diarization } from '../sdk/index.js';
import { diarizeTrack } from './diarize-track.js';
import { EMBEDDING_IO, embedderIdentity, openEmbeddingModel, openSegmentationModel, SEGMENTATION_IO } from './model-files.js';
import { modelRunner } from './sessions.js';
import { openAudio, readOptions, readSpeech } from './stage-inputs.js';

export default defineStage<unknown, Diarization>(async (input, ctx) => {
  const o = readOptions(input);
  const speech = readSpeech(input);
  const segModel = await openSegmentationModel(o.segmentationModel);
  const embModel = await openEmbeddingModel(o.embeddingModel);
  throwIfCancelled(ctx);
  const reader = await openAudio(input);
  try {
    const segmentation = await modelRunner(segModel, SEGMENTATION_IO, o, ctx.log);
    const embedding = await modelRunner(embModel, EMBEDDING_IO, o, ctx.log);
    throwIfCancelled(ctx);
    const r = await diarizeTrack(reader, speech?.segments, {
      segmentation: { ...segmentation, settings: segModel.settings },
      embedding: { ...embedding, settings: embModel.settings },
    }, o, { cancel: ctx, progress: (f, note) => ctx.progress(f, note) });
    const round = (x: number) => Math.round(x);
    ctx.log.info({
      ...r.stats, speakers: r.speakers.length, loadMs: round(segmentation.loadMs + embedding.loadMs),
      totalMs: round(r.timings.totalMs), sessionRunMs: round(r.timings.sessionRunMs), fbankMs: round(r.timings.fbankMs), clusterMs: round(r.timings.clusterMs),
    }, 'diarize finished');
    return { data: { durationMs: r.durationMs, embedder: embedderIdentity(embModel), speakers: r.speakers, segments: r.segments } };
  } finally {
    await reader.close();
  }
});
