/**
 * dubarr's FFmpeg addon, typed. The only module the rest of dubarr imports for media work.
 *
 * Every long operation runs off the JS thread (a sync twin exists for worker threads),
 * reports progress by media timestamp, can be cancelled (AbortSignal or a shared Int32Array
 * flag) within 200 ms, and fails with a NativeError whose `code` is one of
 * NATIVE_ERROR_CODES. Outputs appear at their final path only when complete.
 */
import { binding } from './binding.js';
import { invalidArgument } from './errors.js';

export { NativeError, NATIVE_ERROR_CODES, isNativeErrorCode, type NativeErrorCode } from './errors.js';
export { createCancelFlag, requestCancel, isCancelRequested, type CancelOptions } from './cancel.js';
export type { ProgressEvent, ProgressOptions, OperationOptions } from './run.js';
export { toIso639_2B, languageAliases } from './languages.js';
export type { AudioStreamSelector, AudioConversion, RawPcmInput } from './source.js';
export {
  probe,
  probeSync,
  DISPOSITION_LIBAV_NAMES,
  type ProbeResult,
  type StreamInfo,
  type StreamType,
  type ChapterInfo,
  type AttachmentInfo,
  type Dispositions,
  type DispositionName,
} from './probe.js';
export {
  decodeToWav,
  decodeToWavSync,
  decodeAudio,
  openAudioStream,
  openAudioStreamSync,
  pcmSamples,
  AudioStream,
  AudioStreamSync,
  type DecodeOptions,
  type DecodeResult,
  type DecodedAudioInfo,
  type AudioStreamOptions,
  type PcmChunk,
  type PcmFormat,
} from './decode.js';
export { encodeAudio, encodeAudioSync, type AacCoder, type AudioCodec, type AudioEncoding, type EncodeOptions, type EncodeResult, type WavSampleFormat } from './encode.js';
export {
  runFilterGraph,
  runFilterGraphSync,
  measureLoudness,
  measureLoudnessSync,
  type FilterGraphOptions,
  type FilterGraphResult,
  type FilterInput,
  type LoudnessOptions,
  type LoudnessResult,
} from './filter.js';
export {
  remux,
  remuxSync,
  type RemuxPlan,
  type RemuxResult,
  type RemuxedStream,
  type NewAudioTrack,
  type NewSubtitleTrack,
  type SourceStreamTags,
  type TrackTags,
  type DispositionChanges,
} from './remux.js';
export {
  thumbnail,
  thumbnailSync,
  clipVideo,
  clipVideoSync,
  type Thumbnail,
  type ThumbnailOptions,
  type ClipVideoOptions,
  type ClipVideoResult,
} from './video.js';
export { extractSubtitle, extractSubtitleSync, type SubtitleFormat, type ExtractSubtitleResult } from './subtitles.js';
export { nativeBuildIdentity } from './build-identity.js';

const LOG_LEVELS = { quiet: -8, error: 16, warning: 24, info: 32, debug: 48 } as const;
export type NativeLogLevel = keyof typeof LOG_LEVELS;

/** Which libav messages also go to stderr (default 'quiet'; errors always reach error messages). */
export function setNativeLogLevel(level: NativeLogLevel): void {
  if (!Object.hasOwn(LOG_LEVELS, level)) throw invalidArgument(`setNativeLogLevel: level must be one of ${Object.keys(LOG_LEVELS).join(', ')}`);
  binding.setLogLevel(LOG_LEVELS[level]);
}

/** libav* versions the addon was built against, and the FFmpeg release. */
export function nativeVersions(): Record<string, string> {
  return binding.versions();
}
