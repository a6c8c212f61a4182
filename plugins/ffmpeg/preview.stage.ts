/**
 * ffmpeg:preview — a short MP4 a browser plays at once: about 30 s around the densest dubbed
 * speech, the dub as its default audio (the original as a second track), H.264 + AAC with the
 * index up front. The same clip with the original audio alone, for players that cannot switch
 * tracks (browsers), a poster from its middle and thumbnails across the film come with it.
 *
 * The video is copied when it is already 8-bit 4:2:0 H.264 (from the keyframe before the
 * window), else encoded (clipVideo). The audio is cut from the mixed dub track and from the
 * source's dubbed stream and encoded to stereo AAC: the dub may be Opus or FLAC (WebM/MKV
 * targets) and the source's audio AC-3, DTS or MP2, none of which Chromium plays in MP4.
 * A file without video gets no preview (the step succeeds with `skipped`). Without a fit plan
 * (a preset that mixes a given track) the preview is the film's opening.
 */
import { join } from 'node:path';
import { clipVideoSync, remuxSync, runFilterGraphSync, type ClipVideoResult } from '../../native/lib/index.js';
import { FitPlan } from '../sdk/artifacts.js';
import { DubarrError, throwIfCancelled } from '../sdk/errors.js';
import { lookupLanguage, requireLanguage } from '../sdk/languages.js';
import { defineStage } from '../sdk/plugin.js';
import { languageParam, optionalDocument } from '../sdk/stage-input.js';
import { dubTitle } from './output-names.js';
import { densestSpeech } from './preview-window.js';
import { poster, thumbnails } from './preview-images.js';
import { mediaInfo, sourcePath } from './stage-inputs.js';

export const PREVIEW_MS = 30_000;
/** Encoded previews are scaled down to this width; copied ones keep the source's size. */
const ENCODE_MAX_WIDTH = 1280;
const AUDIO_BITRATE = 128_000;

export interface PreviewDocument {
  skipped?: string;
  language?: string;
  /** Where the preview starts on the film's timeline and how long it is, ms. */
  startMs?: number;
  durationMs?: number;
  /** Dubbed speech inside the preview, ms. */
  speechMs?: number;
  video?: { copied: boolean; codec: string; width: number; height: number };
  poster?: { timeMs: number; width: number; height: number };
  thumbnails?: { timeMs: number; width: number; height: number }[];
}

/** A stretch of one audio file on the film's timeline, as stereo AAC starting at 0. */
function cutAudio(input: { path: string; stream?: number }, clip: ClipVideoResult, out: string, cancelFlag: Int32Array): void {
  runFilterGraphSync({
    inputs: [input],
    graph: `atrim=start=${clip.start.toFixed(6)}:duration=${clip.duration.toFixed(6)},asetpts=PTS-STARTPTS`,
    out, codec: 'aac', bitrate: AUDIO_BITRATE, channels: 2, cancelFlag,
  });
}

export default defineStage<unknown, PreviewDocument>(async (input, ctx) => {
  const media = sourcePath(input);
  const info = mediaInfo(input);
  // Without a fit plan (a preset that mixes a given track) there is no speech to look for: the opening.
  const plan = optionalDocument(FitPlan, input, 'fit', 'a FitPlan');
  const track = input.inputs.mix?.files.track;
  if (!track) throw new DubarrError('E_INVALID_ARGUMENT', 'ffmpeg:preview needs inputs.mix (the mixed dub track, files.track)');
  const target = languageParam(input, 'targetLanguage') ?? plan?.language;
  if (!target) throw new DubarrError('E_INVALID_ARGUMENT', 'ffmpeg:preview needs params.targetLanguage (the dub\'s language)');
  const lang = requireLanguage(target);
  if (!info.hasVideo) return { data: { skipped: 'the source has no video' } };
  const { cancelFlag } = ctx;
  const phase = (from: number, to: number) => (f: number) => ctx.progress(from + (to - from) * f);

  const window = densestSpeech((plan?.units ?? []).map((u) => ({ startMs: u.placedStart, endMs: u.placedEnd })), info.durationMs, PREVIEW_MS);
  const videoProgress = phase(0, 0.5);
  const clip = clipVideoSync(media, join(ctx.workDir, 'video.mp4'), {
    start: window.startMs / 1000, duration: (window.endMs - window.startMs) / 1000, maxWidth: ENCODE_MAX_WIDTH, cancelFlag,
    onProgress: (p) => videoProgress(p.totalSeconds ? Math.min(1, p.seconds / p.totalSeconds) : 0),
  });
  throwIfCancelled(ctx);
  const dub = join(ctx.workDir, 'dub.m4a');
  cutAudio({ path: track }, clip, dub, cancelFlag);
  ctx.progress(0.55);
  const original = join(ctx.workDir, 'original.m4a');
  cutAudio({ path: media, stream: info.audioStream }, clip, original, cancelFlag);
  ctx.progress(0.65);

  const originalLang = lookupLanguage(info.language)?.iso6392B;
  const dubTrack = { path: dub, language: lang.iso6392B, title: dubTitle(lang.code, 'dub') };
  const originalTrack = { path: original, ...(originalLang ? { language: originalLang } : {}), title: 'Original', dispositions: { original: true } };
  const preview = remuxSync({
    source: clip.path, out: join(ctx.workDir, 'preview.mp4'), container: 'mp4', faststart: true, defaultAudio: 'dub', audio: [dubTrack, originalTrack],
  }, { cancelFlag });
  // Browsers play the default track only: the original alone, for a player that switches by file.
  const originalOnly = remuxSync({
    source: clip.path, out: join(ctx.workDir, 'preview-original.mp4'), container: 'mp4', faststart: true, defaultAudio: 'dub', audio: [originalTrack],
  }, { cancelFlag });
  ctx.progress(0.7);

  const still = await poster(preview.path, clip.duration, ctx.workDir, cancelFlag);
  const thumbs = await thumbnails(media, info.durationMs / 1000, ctx.workDir, cancelFlag, phase(0.7, 1));
  const files: Record<string, string> = { preview: preview.path, original: originalOnly.path, poster: still.file };
  thumbs.forEach((t, i) => { files[`thumb-${i + 1}`] = t.file; });
  const frame = ({ timeMs, width, height }: { timeMs: number; width: number; height: number }) => ({ timeMs, width, height });
  return {
    files,
    data: {
      language: lang.code,
      startMs: Math.round(clip.start * 1000),
      durationMs: Math.round(clip.duration * 1000),
      speechMs: window.speechMs,
      video: { copied: clip.copied, codec: clip.codec, width: clip.width, height: clip.height },
      poster: frame(still),
      thumbnails: thumbs.map(frame),
    },
  };
});
