/**
 * Extract: probe the source, pick the audio stream to dub and decode it to the 16 kHz mono
 * analysis track that VAD and ASR read. From 5.1 the centre channel alone is taken: that is
 * where dialogue lives, without the music and effects of the other channels.
 */
import { join } from 'node:path';
import { decodeToWavSync, probeSync, type ProbeResult } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/errors.js';
import { defineStage } from '../sdk/plugin.js';
import { languageCode } from '../sdk/languages.js';
import { languageParam } from '../sdk/stage-input.js';
import { unreadableAfterSwap } from './interrupted-swap.js';
import { chooseAudioStream, shortContainer, subtitleStreams, type MediaInfo } from './media-info.js';
import { sourcePath } from './stage-inputs.js';

export default defineStage<unknown, MediaInfo>(async (input, ctx) => {
  const media = sourcePath(input);
  let probe: ProbeResult;
  try {
    probe = probeSync(media, { cancelFlag: ctx.cancelFlag });
  } catch (e) {
    throw unreadableAfterSwap(media, e) ?? e;
  }
  const stream = chooseAudioStream(probe, languageParam(input, 'sourceLanguage'));
  const out = join(ctx.workDir, 'analysis.wav');
  const total = probe.duration ?? stream.duration ?? 0;
  const decoded = decodeToWavSync(media, out, {
    stream: stream.index, sampleRate: 16_000, channels: 'mono', centerOnly: (stream.channels ?? 0) >= 3,
    cancelFlag: ctx.cancelFlag,
    onProgress: (p) => { if (total > 0) ctx.progress(Math.min(0.99, p.seconds / total), 'decoding audio'); },
  });
  if (decoded.samples === 0) throw new DubarrError('E_MEDIA_UNREADABLE', `${media}: the audio stream ${stream.index} decoded to nothing`);
  if (decoded.decodeErrors > 0) ctx.log.warn({ decodeErrors: decoded.decodeErrors }, 'damaged audio packets were skipped');
  const info: MediaInfo = {
    audioStream: stream.index,
    language: languageCode(stream.language),
    codec: stream.codec,
    channels: stream.channels ?? decoded.channels,
    channelLayout: stream.channelLayout ?? decoded.sourceChannelLayout,
    sampleRate: stream.sampleRate ?? decoded.sourceSampleRate,
    startMs: Math.round((decoded.streamStart - decoded.timelineStart) * 1000),
    durationMs: Math.round((probe.duration ?? decoded.durationSeconds) * 1000),
    container: shortContainer(probe),
    audioStreams: probe.streams.filter((s) => s.type === 'audio').length,
    hasVideo: probe.streams.some((s) => s.type === 'video' && !s.dispositions.attachedPic),
    subtitleStreams: subtitleStreams(probe),
  };
  ctx.progress(1);
  return { files: { audio: out }, data: info };
});
