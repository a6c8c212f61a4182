/**
 * A video stream as splicing needs it: the codec parameters a re-encoded stretch must match, and
 * where its keyframes are. The keyframes come from the packets' key flags (ffprobe reads the
 * container's index and packet headers; nothing is decoded), because the native addon has no
 * packet listing and a splice needs every one of them, not a seek to the nearest.
 */
import { runTool } from './child-process.js';
import { DubarrError } from './errors.js';

export interface SpliceVideoInfo {
  /** Absolute index of the video stream in the file. */
  index: number;
  codec: string;
  profile: string | null;
  /** H.264 level_idc (31 = level 3.1), when the stream says. */
  level: number | null;
  width: number;
  height: number;
  pixelFormat: string;
  /** Sample aspect ratio, 'n:d'. */
  sar: string;
  /** Stream time base, 'n/d'. */
  timeBase: string;
  /** Frame rate as a fraction ('25/1', '24000/1001'). */
  frameRate: string;
  /** Colour signalling the stream states (ffmpeg's option names -> values), so re-encoded spans say the same. */
  colour: Record<string, string>;
  /** Frames the decoder holds back for reordering (B-frames); 0 for none. */
  reorderDelay: number;
  /** The stream's first timestamp, ms; the timeline the rest of this uses starts there. */
  startMs: number;
  durationMs: number;
  /** Packets (frames) in the stream. */
  frames: number;
  /** Keyframe times, ms from the stream's start, ascending; the raw ffprobe strings alongside. */
  keyframesMs: number[];
  keyframeTimes: string[];
  /** The container family the splice writes: the source's where the stream may go back into it. */
  container: 'mp4' | 'mkv';
}

const ffprobe = (args: string[], signal?: AbortSignal) => runTool({
  binary: 'ffprobe', args: ['-v', 'error', ...args], tool: 'ffprobe', install: 'apt-get install ffmpeg',
  failureHint: 'check that the file is a complete, playable video', signal,
});

interface ProbedStream {
  index: number; codec_name: string; profile?: string; level?: number; width: number; height: number;
  pix_fmt: string; sample_aspect_ratio?: string; time_base: string; r_frame_rate: string; avg_frame_rate: string;
  has_b_frames?: number; color_range?: string; color_space?: string; color_transfer?: string; color_primaries?: string;
}

/** ffprobe's colour fields and the ffmpeg output options that set them. */
const COLOUR_OPTIONS = { color_range: 'color_range', color_space: 'colorspace', color_transfer: 'color_trc', color_primaries: 'color_primaries' } as const;

function colourOf(s: ProbedStream): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, option] of Object.entries(COLOUR_OPTIONS)) {
    const value = s[field as keyof typeof COLOUR_OPTIONS];
    if (value && value !== 'unknown') out[option] = value;
  }
  return out;
}

function ratio(r: string): number {
  const [n, d] = r.split('/').map(Number);
  return n! / (d || 1);
}

export async function spliceVideoInfo(path: string, signal?: AbortSignal): Promise<SpliceVideoInfo> {
  const doc = JSON.parse(await ffprobe(['-select_streams', 'v:0', '-show_streams', '-show_format', '-of', 'json', path], signal)) as
    { streams?: ProbedStream[]; format?: { format_name?: string } };
  const s = doc.streams?.[0];
  if (!s) throw new DubarrError('E_NO_VIDEO_STREAM', `${path} has no video stream to lip-sync`);
  // One line a packet: pts_time,flags ('K_' for a keyframe). Packets come in decode order.
  const packets = (await ffprobe(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', path], signal))
    .split('\n').map((l) => l.trim()).filter(Boolean).map((l) => { const [pts, flags] = l.split(','); return { pts: pts!, key: (flags ?? '').includes('K') }; });
  if (!packets.length) throw new DubarrError('E_MEDIA_UNREADABLE', `${path}: its video stream has no packets`);
  const startSeconds = Math.min(...packets.map((p) => Number(p.pts)).filter(Number.isFinite));
  const keys = packets.filter((p) => p.key && p.pts !== 'N/A').sort((a, b) => Number(a.pts) - Number(b.pts));
  // From the packets, not the container's figure: Matroska gives none per stream, and the file's may include longer audio.
  const lastSeconds = Math.max(...packets.map((p) => Number(p.pts)).filter(Number.isFinite));
  const durationSeconds = lastSeconds - startSeconds + 1 / ratio(s.avg_frame_rate && s.avg_frame_rate !== '0/0' ? s.avg_frame_rate : s.r_frame_rate);
  const format = doc.format?.format_name ?? '';
  return {
    index: s.index,
    codec: s.codec_name,
    profile: s.profile ?? null,
    level: s.level !== undefined && s.level > 0 ? s.level : null,
    width: s.width,
    height: s.height,
    pixelFormat: s.pix_fmt,
    sar: s.sample_aspect_ratio && s.sample_aspect_ratio !== '0:1' ? s.sample_aspect_ratio : '1:1',
    timeBase: s.time_base,
    frameRate: s.avg_frame_rate && s.avg_frame_rate !== '0/0' ? s.avg_frame_rate : s.r_frame_rate,
    colour: colourOf(s),
    reorderDelay: s.has_b_frames ?? 0,
    startMs: startSeconds * 1000,
    durationMs: Math.round(durationSeconds * 1000),
    frames: packets.length,
    keyframesMs: keys.map((k) => Math.round((Number(k.pts) - startSeconds) * 1000)),
    keyframeTimes: keys.map((k) => k.pts),
    container: /mp4|mov/.test(format) ? 'mp4' : 'mkv',
  };
}
