/**
 * Video work for the preview: thumbnail() decodes one frame as RGB pixels (sharp turns them
 * into JPEG or PNG), clipVideo() cuts a stretch of the video into an MP4 a browser plays.
 */
import { binding, type RawClipVideoArgs, type RawThumbnailArgs } from './binding.js';
import { captureCallSite, invalidArgument } from './errors.js';
import { callNative, callNativeSync, checkOperationOptions, type OperationOptions } from './run.js';
import { oneOf, optionalInt, optionalNumber, requireObject, requirePath } from './validate.js';

/** Widths above this are refused: an 8K frame is 7680 wide, and a thumbnail is far smaller. */
const MAX_WIDTH = 8192;
const MAX_SECONDS = 7 * 86400;

export interface ThumbnailOptions extends OperationOptions {
  /** Seconds on the file's timeline (0 = what players show as 0:00); the frame shown then, or the next one. */
  time?: number;
  /** Output width in pixels; the height follows the display aspect. Default: the display width. */
  width?: number;
  /** Absolute stream index; default the main video stream (cover pictures are passed over). */
  stream?: number;
}

export interface Thumbnail {
  /** Packed RGB, 3 bytes a pixel, rows top to bottom without padding (sharp's `raw` input). */
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
  /** The frame's own time on the timeline, seconds (at or just after the time asked). */
  time: number;
  stream: number;
}

export interface ClipVideoOptions extends OperationOptions {
  /** Where the clip starts on the source's timeline, seconds. */
  start: number;
  /** Seconds of video to keep. */
  duration: number;
  /**
   * 'auto' (default): copy 8-bit 4:2:0 H.264 that fits maxWidth, encode anything else, and
   * encode too when the keyframe before `start` lies more than half the clip before it (sparse
   * keyframes: a copy would show little of the asked stretch);
   * 'copy': always copy the stream (the caller knows the player takes it), lengthened when its
   * keyframe is that far back so it shows at least half the asked stretch; 'encode': always H.264.
   */
  mode?: 'auto' | 'copy' | 'encode';
  /** Encoded clips are scaled down to this width (default: the source's). */
  maxWidth?: number;
  /** x264 constant rate factor for encoded clips (default 23; higher is smaller). */
  crf?: number;
  stream?: number;
}

export interface ClipVideoResult {
  path: string;
  /** Where the clip starts on the source's timeline: the keyframe at or before `start` when copied. */
  start: number;
  duration: number;
  copied: boolean;
  /** The source codec when copied, else the encoder ('libx264'). */
  codec: string;
  width: number;
  height: number;
  frames: number;
}

function thumbnailArgs(input: string, opts: ThumbnailOptions, where: string): RawThumbnailArgs {
  requireObject(opts, `${where}: options`);
  checkOperationOptions(opts, where);
  return {
    path: requirePath(input, `${where}: input`),
    time: optionalNumber(opts.time, `${where}: time`, 0, MAX_SECONDS) ?? 0,
    width: optionalInt(opts.width, `${where}: width`, 1, MAX_WIDTH),
    streamIndex: optionalInt(opts.stream, `${where}: stream`, 0, 65535),
  };
}

function toThumbnail(raw: { data: Buffer; width: number; height: number; time: number | null; streamIndex: number }): Thumbnail {
  return { data: raw.data, width: raw.width, height: raw.height, channels: 3, time: raw.time ?? Number.NaN, stream: raw.streamIndex };
}

export async function thumbnail(input: string, opts: ThumbnailOptions = {}): Promise<Thumbnail> {
  const site = captureCallSite(thumbnail);
  const args = thumbnailArgs(input, opts, 'thumbnail');
  return toThumbnail(await callNative(binding.thumbnail, args, opts, site));
}

export function thumbnailSync(input: string, opts: ThumbnailOptions = {}): Thumbnail {
  const site = captureCallSite(thumbnailSync);
  const args = thumbnailArgs(input, opts, 'thumbnailSync');
  return toThumbnail(callNativeSync(binding.thumbnailSync, args, opts, site));
}

function clipArgs(source: string, out: string, opts: ClipVideoOptions, where: string): RawClipVideoArgs {
  requireObject(opts, `${where}: options`);
  checkOperationOptions(opts, where);
  const start = optionalNumber(opts.start, `${where}: start`, 0, MAX_SECONDS);
  const duration = optionalNumber(opts.duration, `${where}: duration`, 0.001, MAX_SECONDS);
  if (start === undefined || duration === undefined) throw invalidArgument(`${where}: start and duration are required (seconds)`);
  const target = requirePath(out, `${where}: out`);
  if (!target.toLowerCase().endsWith('.mp4')) throw invalidArgument(`${where}: out must end in .mp4 (the clip is written as MP4)`);
  return {
    source: requirePath(source, `${where}: source`),
    out: target,
    start,
    duration,
    mode: oneOf(opts.mode, ['auto', 'copy', 'encode'] as const, `${where}: mode`) ?? 'auto',
    maxWidth: optionalInt(opts.maxWidth, `${where}: maxWidth`, 16, MAX_WIDTH),
    crf: optionalInt(opts.crf, `${where}: crf`, 0, 51),
    streamIndex: optionalInt(opts.stream, `${where}: stream`, 0, 65535),
  };
}

export async function clipVideo(source: string, out: string, opts: ClipVideoOptions): Promise<ClipVideoResult> {
  const site = captureCallSite(clipVideo);
  return callNative(binding.clipVideo, clipArgs(source, out, opts, 'clipVideo'), opts, site);
}

export function clipVideoSync(source: string, out: string, opts: ClipVideoOptions): ClipVideoResult {
  const site = captureCallSite(clipVideoSync);
  return callNativeSync(binding.clipVideoSync, clipArgs(source, out, opts, 'clipVideoSync'), opts, site);
}
