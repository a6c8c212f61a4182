/** probe(): what a media file holds, in the same terms (and values) as ffprobe. */
import { binding, type RawProbe, type RawStream } from './binding.js';
import { captureCallSite } from './errors.js';
import { callNative, callNativeSync, checkOperationOptions } from './run.js';
import type { CancelOptions } from './cancel.js';
import { requirePath } from './validate.js';

export type StreamType = 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | 'unknown';

/** Stream dispositions, named as ffprobe names them but in camelCase. */
export interface Dispositions {
  default: boolean;
  dub: boolean;
  original: boolean;
  comment: boolean;
  lyrics: boolean;
  karaoke: boolean;
  forced: boolean;
  hearingImpaired: boolean;
  visualImpaired: boolean;
  cleanEffects: boolean;
  attachedPic: boolean;
  timedThumbnails: boolean;
  captions: boolean;
  descriptions: boolean;
  metadata: boolean;
  dependent: boolean;
  stillImage: boolean;
}
export type DispositionName = keyof Dispositions;

/** camelCase name -> libav's name (the one in ffprobe's JSON and `-disposition`). */
export const DISPOSITION_LIBAV_NAMES: Readonly<Record<DispositionName, string>> = {
  default: 'default',
  dub: 'dub',
  original: 'original',
  comment: 'comment',
  lyrics: 'lyrics',
  karaoke: 'karaoke',
  forced: 'forced',
  hearingImpaired: 'hearing_impaired',
  visualImpaired: 'visual_impaired',
  cleanEffects: 'clean_effects',
  attachedPic: 'attached_pic',
  timedThumbnails: 'timed_thumbnails',
  captions: 'captions',
  descriptions: 'descriptions',
  metadata: 'metadata',
  dependent: 'dependent',
  stillImage: 'still_image',
};

export interface StreamInfo {
  /** Absolute index in the file: the address every stream-specific option uses. */
  index: number;
  type: StreamType;
  /** libav codec name (ffprobe codec_name), e.g. 'h264', 'aac', 'subrip'. */
  codec: string;
  codecLongName: string;
  profile: string | null;
  language: string | null;
  title: string | null;
  /** MP4 handler name (where MP4 keeps a track's title). */
  handlerName: string | null;
  dispositions: Dispositions;
  tags: Record<string, string>;
  /** Seconds; null when the container does not say. */
  startTime: number | null;
  duration: number | null;
  timeBase: string | null;
  bitRate: number | null;
  /** Audio only (null otherwise). */
  channels: number | null;
  channelLayout: string | null;
  sampleRate: number | null;
  sampleFormat: string | null;
  /** Video only (null otherwise). */
  width: number | null;
  height: number | null;
  /** Average frame rate (ffprobe avg_frame_rate), frames per second. */
  frameRate: number | null;
  avgFrameRate: string | null;
  rFrameRate: string | null;
  pixelFormat: string | null;
}

export interface ChapterInfo {
  id: number;
  start: number;
  end: number;
  title: string | null;
  tags: Record<string, string>;
}

/** An MKV attachment (fonts for ASS subtitles, cover art); also listed in `streams`. */
export interface AttachmentInfo {
  index: number;
  filename: string | null;
  mimeType: string | null;
  size: number;
}

export interface ProbeResult {
  path: string;
  /** libav demuxer name(s), ffprobe format_name, e.g. 'matroska,webm'. */
  container: string;
  containerLongName: string;
  duration: number | null;
  startTime: number | null;
  bitRate: number | null;
  size: number | null;
  tags: Record<string, string>;
  streams: StreamInfo[];
  chapters: ChapterInfo[];
  attachments: AttachmentInfo[];
}

const TYPES: readonly StreamType[] = ['video', 'audio', 'subtitle', 'data', 'attachment'];

function rationalString(r: [number, number] | null | undefined): string | null {
  return r ? `${r[0]}/${r[1]}` : null;
}

function tag(tags: Record<string, string>, name: string): string | null {
  // Matroska tags come back upper-case (TITLE), MP4 ones lower-case.
  const key = Object.keys(tags).find((k) => k.toLowerCase() === name);
  return key === undefined ? null : (tags[key] ?? null);
}

function dispositionsFrom(names: string[]): Dispositions {
  const out = {} as Dispositions;
  for (const [camel, libav] of Object.entries(DISPOSITION_LIBAV_NAMES) as [DispositionName, string][]) out[camel] = names.includes(libav);
  return out;
}

function toStream(s: RawStream): StreamInfo {
  const type = (TYPES as readonly string[]).includes(s.type) ? (s.type as StreamType) : 'unknown';
  const avg = s.avgFrameRate ?? null;
  return {
    index: s.index,
    type,
    codec: s.codec,
    codecLongName: s.codecLongName,
    profile: s.profile,
    language: tag(s.tags, 'language'),
    title: tag(s.tags, 'title'),
    handlerName: tag(s.tags, 'handler_name'),
    dispositions: dispositionsFrom(s.dispositions),
    tags: s.tags,
    startTime: s.startTime,
    duration: s.duration,
    timeBase: rationalString(s.timeBase),
    bitRate: s.bitRate,
    channels: s.channels ?? null,
    channelLayout: s.channelLayout ?? null,
    sampleRate: s.sampleRate ?? null,
    sampleFormat: s.sampleFormat ?? null,
    width: s.width ?? null,
    height: s.height ?? null,
    frameRate: avg ? avg[0] / avg[1] : null,
    avgFrameRate: rationalString(avg),
    rFrameRate: rationalString(s.rFrameRate),
    pixelFormat: s.pixelFormat ?? null,
  };
}

function toResult(path: string, raw: RawProbe): ProbeResult {
  const streams = raw.streams.map(toStream);
  return {
    path,
    container: raw.formatName,
    containerLongName: raw.formatLongName,
    duration: raw.duration,
    startTime: raw.startTime,
    bitRate: raw.bitRate,
    size: raw.size,
    tags: raw.tags,
    streams,
    chapters: raw.chapters.map((c) => ({ id: c.id, start: c.start, end: c.end, title: tag(c.tags, 'title'), tags: c.tags })),
    attachments: raw.streams
      .filter((s) => s.type === 'attachment')
      .map((s) => ({ index: s.index, filename: tag(s.tags, 'filename'), mimeType: tag(s.tags, 'mimetype'), size: s.extradataSize })),
  };
}

export async function probe(path: string, opts: CancelOptions = {}): Promise<ProbeResult> {
  const site = captureCallSite(probe);
  const file = requirePath(path, 'probe: path');
  checkOperationOptions(opts, 'probe');
  return toResult(file, await callNative(binding.probe, { path: file }, opts, site));
}

export function probeSync(path: string, opts: CancelOptions = {}): ProbeResult {
  const site = captureCallSite(probeSync);
  const file = requirePath(path, 'probeSync: path');
  checkOperationOptions(opts, 'probeSync');
  return toResult(file, callNativeSync(binding.probeSync, { path: file }, opts, site));
}
