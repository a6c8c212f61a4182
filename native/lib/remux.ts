/**
 * remux(): the source with every stream copied untouched plus new audio and subtitle tracks,
 * tagged for players and media servers. Writes to a temporary name next to `out` and
 * renames it when complete.
 */
import { extname } from 'node:path';
import { binding, toolTag, type RawRemuxArgs, type RawRemuxResult, type RawTrackTags } from './binding.js';
import { captureCallSite, invalidArgument } from './errors.js';
import { toIso639_2B } from './languages.js';
import { DISPOSITION_LIBAV_NAMES, type Dispositions, type DispositionName } from './probe.js';
import { callNative, callNativeSync, checkOperationOptions, type OperationOptions } from './run.js';
import { oneOf, optionalBoolean, optionalInt, optionalNumber, optionalString, requireObject, requirePath } from './validate.js';

/** Dispositions to set (true) or clear (false); unnamed ones are left as they are. */
export type DispositionChanges = Partial<Dispositions>;

export interface TrackTags {
  /** ISO 639-2 code; written in its B form ('ger', not 'deu'). */
  language?: string;
  /** Track title; in MP4 it becomes the handler name (MP4 has no track title). */
  title?: string;
  dispositions?: DispositionChanges;
}

export interface NewAudioTrack extends TrackTags {
  /** An encoded audio file (AAC .m4a for MP4 targets; AAC, Opus, FLAC, ... for MKV). */
  path: string;
  /** Which audio stream of that file; default its best one. */
  stream?: number;
  /** Seconds to delay the track on the source's timeline (default 0). */
  offset?: number;
}

export interface NewSubtitleTrack extends TrackTags {
  path: string;
  /** Default: from the extension. */
  format?: 'srt' | 'ass' | 'vtt';
  offset?: number;
}

export interface SourceStreamTags extends TrackTags {
  /** Absolute stream index in the source (ProbeResult.streams[].index). */
  index: number;
}

export interface RemuxPlan {
  source: string;
  /** Output path; its extension is changed when the container chosen differs (see result.path). */
  out: string;
  audio?: NewAudioTrack[];
  /**
   * New subtitle tracks; none is default unless its dispositions say so. A subtitle track
   * without `default` is written as not default in MP4 too (libav's MP4 muxer would enable the
   * first one, which readers take as default).
   */
  subtitles?: NewSubtitleTrack[];
  /** Tag changes for streams already in the source, by absolute index. */
  sourceStreams?: SourceStreamTags[];
  /**
   * Mark a source audio track `original`: true for the source's default (else first) audio
   * track, or an absolute stream index.
   */
  markSourceOriginal?: boolean | number;
  /**
   * The one default audio track (a file never gets none, or two). 'source' (default): the
   * source's default audio track, else the one marked original, else its first (an MPEG-PS
   * or AVI source has no default flags). 'dub': the first new audio track. Explicit
   * `dispositions` of a track are applied after this and win.
   */
  defaultAudio?: 'source' | 'dub';
  /** 'auto' (default): the source's container unless a stream cannot go there, then MKV. */
  container?: 'auto' | 'mkv' | 'mp4';
  /** MP4: move the index to the front for streaming (rewrites the file once more). */
  faststart?: boolean;
  /**
   * A video file whose first video stream is written in the place of the source's main video
   * stream, packet for packet (stream copy), with the source track's tags: a lip-synced version of
   * the same picture. Its first frame is placed where the source stream's first frame is.
   */
  video?: string;
}

export interface RemuxedStream {
  index: number;
  type: string;
  codec: string;
  origin: 'source' | 'audio' | 'subtitle' | 'video';
  /** Source stream index, or the position in plan.audio / plan.subtitles (0 for plan.video). */
  originIndex: number;
}

export interface RemuxResult {
  /** Where the file was written (out, or out with the container's extension). */
  path: string;
  container: 'mkv' | 'mp4' | 'mov' | 'webm';
  /** Why the source's container was not kept, when it was not. */
  fallbackReason: string | null;
  streams: RemuxedStream[];
  /** Source data streams (e.g. timecode) no container could take. */
  skipped: { index: number; type: string; codec: string; reason: string }[];
}

function trackTags(t: TrackTags, where: string): RawTrackTags {
  const out: RawTrackTags = {};
  if (t.language !== undefined) out.language = toIso639_2B(t.language, `${where}.language`);
  out.title = optionalString(t.title, `${where}.title`, 1024);
  if (t.dispositions !== undefined) {
    const changes = requireObject(t.dispositions, `${where}.dispositions`);
    out.dispositions = {};
    for (const [name, on] of Object.entries(changes)) {
      if (!Object.hasOwn(DISPOSITION_LIBAV_NAMES, name)) {
        throw invalidArgument(`${where}.dispositions: unknown disposition '${name}' (known: ${Object.keys(DISPOSITION_LIBAV_NAMES).join(', ')})`);
      }
      if (on === undefined) continue;
      out.dispositions[DISPOSITION_LIBAV_NAMES[name as DispositionName]] = optionalBoolean(on, `${where}.dispositions.${name}`)!;
    }
  }
  return out;
}

function subtitleFormat(t: NewSubtitleTrack, where: string): 'srt' | 'ass' | 'vtt' {
  const given = oneOf(t.format, ['srt', 'ass', 'vtt'] as const, `${where}.format`);
  if (given) return given;
  const ext = extname(t.path).toLowerCase().slice(1);
  if (ext === 'srt' || ext === 'ass' || ext === 'vtt') return ext;
  if (ext === 'ssa') return 'ass';
  throw invalidArgument(`${where}.format: cannot tell the subtitle format of '${t.path}'; give format 'srt', 'ass' or 'vtt'`);
}

function remuxArgs(plan: RemuxPlan, where: string): RawRemuxArgs {
  requireObject(plan, `${where}: plan`);
  const list = <T>(v: T[] | undefined, name: string): T[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.length > 64) throw invalidArgument(`${where}: ${name} must be an array of at most 64 tracks`);
    return v;
  };
  const mark = plan.markSourceOriginal;
  let markSourceOriginal = -2;
  if (mark === true) markSourceOriginal = -1;
  else if (typeof mark === 'number') markSourceOriginal = optionalInt(mark, `${where}: markSourceOriginal`, 0, 65535)!;
  else if (mark !== undefined && mark !== false) throw invalidArgument(`${where}: markSourceOriginal must be a boolean or a stream index`);

  const seen = new Set<number>();
  return {
    source: requirePath(plan.source, `${where}: source`),
    out: requirePath(plan.out, `${where}: out`),
    container: oneOf(plan.container, ['auto', 'mkv', 'mp4'] as const, `${where}: container`) ?? 'auto',
    tool: toolTag,
    audio: list(plan.audio, 'audio').map((t, i) => ({
      ...trackTags(requireObject(t, `${where}: audio[${i}]`) as TrackTags, `${where}: audio[${i}]`),
      path: requirePath(t.path, `${where}: audio[${i}].path`),
      streamIndex: optionalInt(t.stream, `${where}: audio[${i}].stream`, 0, 65535),
      offset: optionalNumber(t.offset, `${where}: audio[${i}].offset`, -86400, 86400) ?? 0,
    })),
    subtitles: list(plan.subtitles, 'subtitles').map((t, i) => ({
      ...trackTags(requireObject(t, `${where}: subtitles[${i}]`) as TrackTags, `${where}: subtitles[${i}]`),
      path: requirePath(t.path, `${where}: subtitles[${i}].path`),
      format: subtitleFormat(t, `${where}: subtitles[${i}]`),
      offset: optionalNumber(t.offset, `${where}: subtitles[${i}].offset`, -86400, 86400) ?? 0,
    })),
    sourceStreams: list(plan.sourceStreams, 'sourceStreams').map((t, i) => {
      const index = optionalInt(requireObject(t, `${where}: sourceStreams[${i}]`).index, `${where}: sourceStreams[${i}].index`, 0, 65535);
      if (index === undefined) throw invalidArgument(`${where}: sourceStreams[${i}].index is required`);
      if (seen.has(index)) throw invalidArgument(`${where}: sourceStreams lists stream ${index} twice`);
      seen.add(index);
      return { ...trackTags(t, `${where}: sourceStreams[${i}]`), index };
    }),
    markSourceOriginal,
    defaultAudio: oneOf(plan.defaultAudio, ['source', 'dub'] as const, `${where}: defaultAudio`) ?? 'source',
    faststart: optionalBoolean(plan.faststart, `${where}: faststart`) ?? false,
    ...(plan.video === undefined ? {} : { video: requirePath(plan.video, `${where}: video`) }),
  };
}

function toResult(raw: RawRemuxResult): RemuxResult {
  return raw as RemuxResult;
}

export async function remux(plan: RemuxPlan, opts: OperationOptions = {}): Promise<RemuxResult> {
  const site = captureCallSite(remux);
  checkOperationOptions(opts, 'remux');
  return toResult(await callNative(binding.remux, remuxArgs(plan, 'remux'), opts, site));
}

export function remuxSync(plan: RemuxPlan, opts: OperationOptions = {}): RemuxResult {
  const site = captureCallSite(remuxSync);
  checkOperationOptions(opts, 'remuxSync');
  return toResult(callNativeSync(binding.remuxSync, remuxArgs(plan, 'remuxSync'), opts, site));
}
