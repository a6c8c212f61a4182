/**
 * Re-renders stretches of a video and splices them back between untouched packets: the source's
 * video stream is cut at keyframes (stream copy), each span goes with its dub audio to an engine,
 * the engine's picture is re-encoded to the source stream's parameters, and the pieces are joined
 * again by stream copy. Every packet outside the spans is the source's, byte for byte; the result
 * has the source's frame count, duration and codec extradata.
 *
 * How the join stays decodable: the re-encoded spans carry their own parameter sets in band, under
 * ids the source does not use (x264 sps-id=1), so the source's parameter sets (the file's extradata)
 * stay in force for the copied packets and the spans' for theirs. The joined file must take its
 * extradata from the source, so the concat list starts with a one-frame copy of the source stream
 * that contributes no packet (an out point before its first one). The spans are encoded with
 * keyframes where the source has them, so seeking and the keyframe index stay as they were.
 *
 * H.264 only: x265 cannot move its parameter sets to other ids, and other codecs are not spliced;
 * such sources fail with E_UNSUPPORTED_CODEC. This runs the ffmpeg CLI: the native addon copies
 * whole streams but has no packet-level cut and join.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from './child-process.js';
import { DubarrError, throwIfCancelled } from './errors.js';
import type { TimeRange } from './lipsync-spans.js';
import { spliceVideoInfo, type SpliceVideoInfo } from './video-keyframes.js';

/** One span as the engine gets it: its picture (copied from the source) and the dub that plays over it. */
export interface LipsyncSpan extends TimeRange {
  /** The span's video (the source's packets, timestamps from 0). */
  video: string;
  /** The dub for the span (WAV, from the span's start). */
  audio: string;
  /** A folder of this span's own, for the engine's output. */
  dir: string;
}

/** Makes the lip-synced picture of a span; returns the path of a video file (any codec, any container). */
export type LipsyncEngine = (span: LipsyncSpan, signal: AbortSignal) => Promise<string>;

export interface SpliceOptions {
  source: string;
  /** The dub track (any audio file ffmpeg reads), on the source's timeline from 0. */
  dub: string;
  /** Keyframe-aligned spans on the stream's timeline (SpliceVideoInfo.keyframesMs). */
  spans: readonly TimeRange[];
  engine: LipsyncEngine;
  workDir: string;
  signal: AbortSignal;
  cancelFlag?: Int32Array;
  /** x264 constant rate factor for the re-encoded spans. */
  crf: number;
  info?: SpliceVideoInfo;
  progress?(fraction: number): void;
}

export interface SplicedVideo {
  path: string;
  info: SpliceVideoInfo;
  /** Frames re-encoded, per span and in all. */
  spans: Array<TimeRange & { frames: number }>;
  reencodedFrames: number;
}

const ffmpeg = (args: string[], signal: AbortSignal) => runTool({
  binary: 'ffmpeg', args: ['-nostdin', '-y', '-v', 'error', ...args], tool: 'ffmpeg', install: 'apt-get install ffmpeg',
  failureHint: 'check that the video is complete and playable', signal,
});

const X264_PROFILES: Record<string, string> = {
  'Constrained Baseline': 'baseline', Baseline: 'baseline', Main: 'main', High: 'high', 'High 10': 'high10', 'High 4:2:2': 'high422', 'High 4:4:4 Predictive': 'high444',
};

function ratio(r: string): number {
  const [n, d] = r.split(/[/:]/).map(Number);
  return n! / (d || 1);
}

/** The x264 settings that make a span's stream join the source's: same shape, same reordering, own parameter set ids. */
function matchingEncoder(v: SpliceVideoInfo, crf: number, frames: number, keyframesS: readonly string[]): string[] {
  const profile = v.profile ? X264_PROFILES[v.profile] : undefined;
  const args = ['-c:v', 'libx264', '-preset', 'medium', '-crf', String(crf), '-pix_fmt', v.pixelFormat, '-frames:v', String(frames)];
  // Keyframes only where the source has them (the first frame is one anyway).
  args.push('-g', '100000', '-keyint_min', '100000', '-sc_threshold', '0');
  if (keyframesS.length) args.push('-force_key_frames', keyframesS.join(','));
  if (profile) args.push('-profile:v', profile);
  if (v.level) args.push('-level:v', (v.level / 10).toFixed(1));
  for (const [option, value] of Object.entries(v.colour)) args.push(`-${option}`, value);
  // The same decode delay as the source, so decode timestamps run on across each join.
  const bframes = profile === 'baseline' ? 0 : Math.min(v.reorderDelay, 16);
  args.push('-bf', String(bframes), '-x264-params', `sps-id=1:repeat-headers=1${bframes < 2 ? ':b-pyramid=none' : ''}`);
  if (v.container === 'mp4') args.push('-video_track_timescale', String(Math.round(1 / ratio(v.timeBase))));
  return args;
}

/** The engine's picture, conformed: the source's frame rate, size, aspect and pixel format, exactly `frames` frames. */
async function conform(engineOut: string, v: SpliceVideoInfo, range: TimeRange, frames: number, out: string, crf: number, signal: AbortSignal): Promise<void> {
  const keys = v.keyframesMs.filter((k) => k > range.startMs && k < range.endMs).map((k) => seconds(k - range.startMs));
  const filters = [
    'setpts=PTS-STARTPTS', `fps=${v.frameRate}`, `scale=${v.width}:${v.height}`, `setsar=${v.sar.replace(':', '/')}`, `format=${v.pixelFormat}`,
    // An engine that returns a frame or two short (rounding at its own frame rate) is padded with its last frame.
    'tpad=stop=-1:stop_mode=clone',
  ];
  await ffmpeg(['-i', engineOut, '-map', '0:v:0', '-an', '-sn', '-vf', filters.join(','), ...matchingEncoder(v, crf, frames, keys), out], signal);
}

const seconds = (ms: number) => (ms / 1000).toFixed(6);

/** A concat demuxer line naming a file, quoted as its parser wants (a ' closes, \\' is a quote). */
const concatFile = (path: string) => `file '${path.replace(/'/g, "'\\''")}'`;

export async function spliceSpans(o: SpliceOptions): Promise<SplicedVideo> {
  const v = o.info ?? await spliceVideoInfo(o.source, o.signal);
  if (v.codec !== 'h264') {
    throw new DubarrError('E_UNSUPPORTED_CODEC', `lip-sync splices H.264 video only; this video is ${v.codec}. Convert the video to H.264 first, or turn lip-sync off for this job.`);
  }
  const ext = v.container;
  const segmentFormat = ext === 'mp4' ? 'mp4' : 'matroska';
  // Cut points: every span's ends, as the keyframes' own timestamps (exact; no rounding).
  const timeOf = new Map(v.keyframesMs.map((ms, i) => [ms, v.keyframeTimes[i]!]));
  const cuts = [...new Set(o.spans.flatMap((s) => [s.startMs, s.endMs]))].filter((ms) => ms > 0 && ms < v.durationMs).sort((a, b) => a - b);
  for (const ms of cuts) if (!timeOf.has(ms)) throw new DubarrError('E_INTERNAL', `splice point ${ms} ms is not a keyframe of the video`);
  const pieces = join(o.workDir, 'pieces');
  await mkdir(pieces, { recursive: true });
  const halfFrame = (0.5 / ratio(v.frameRate)).toFixed(6);
  await ffmpeg([
    '-i', o.source, '-map', `0:${v.index}`, '-c', 'copy', '-f', 'segment', '-segment_format', segmentFormat,
    ...(cuts.length ? ['-segment_times', cuts.map((ms) => timeOf.get(ms)!).join(',')] : ['-segment_time', '1e9']),
    '-segment_time_delta', halfFrame, '-reset_timestamps', '1', join(pieces, `%05d.${ext}`),
  ], o.signal);
  o.progress?.(0.1);

  const bounds = [0, ...cuts, v.durationMs];
  const frameMs = 1000 / ratio(v.frameRate);
  // The source's extradata for the joined stream (see the top): a one-frame copy, no packet taken.
  // Always MP4: its packets have decode timestamps, which the out point is compared with (Matroska's first has none).
  const donor = join(pieces, 'donor.mp4');
  // The joined stream takes the donor's time base too: the output's own (Matroska writes milliseconds).
  const timescale = ext === 'mp4' ? Math.round(1 / ratio(v.timeBase)) : 1000;
  await ffmpeg(['-i', o.source, '-map', `0:${v.index}`, '-c', 'copy', '-frames:v', '1', '-video_track_timescale', String(timescale), donor], o.signal);
  const list = [concatFile(donor), 'inpoint 0', 'outpoint -1000000', 'duration 0'];
  const spans: SplicedVideo['spans'] = [];
  const cancelled = () => throwIfCancelled({ signal: o.signal, cancelFlag: o.cancelFlag ?? new Int32Array(1) });
  for (let i = 0; i + 1 < bounds.length; i++) {
    cancelled();
    const range = { startMs: bounds[i]!, endMs: bounds[i + 1]! };
    let piece = join(pieces, `${String(i).padStart(5, '0')}.${ext}`);
    if (o.spans.some((s) => s.startMs === range.startMs)) {
      const dir = join(o.workDir, `span-${i}`);
      await mkdir(dir, { recursive: true });
      const audio = join(dir, 'dub.wav');
      await ffmpeg(['-ss', seconds(range.startMs), '-t', seconds(range.endMs - range.startMs), '-i', o.dub, '-vn', '-c:a', 'pcm_s16le', audio], o.signal);
      const frames = await packetCount(piece, o.signal);
      const rendered = await o.engine({ ...range, video: piece, audio, dir }, o.signal);
      cancelled();
      piece = join(dir, `conformed.${ext}`);
      await conform(rendered, v, range, frames, piece, o.crf, o.signal);
      spans.push({ ...range, frames });
    }
    list.push(concatFile(piece), `duration ${seconds(Math.round((range.endMs - range.startMs) / frameMs) * frameMs)}`);
    o.progress?.(0.1 + (0.8 * (i + 1)) / (bounds.length - 1));
  }
  const listFile = join(o.workDir, 'splice.txt');
  await writeFile(listFile, list.join('\n') + '\n');
  const out = join(o.workDir, `lipsynced.${ext}`);
  await ffmpeg([
    // auto_convert would rewrite H.264 to Annex B (adding parameter sets to copied keyframes).
    '-auto_convert', '0', '-f', 'concat', '-safe', '0', '-i', listFile, '-map', '0:v', '-c', 'copy',
    ...(ext === 'mp4' ? ['-video_track_timescale', String(timescale)] : []), out,
  ], o.signal);
  const frames = await packetCount(out, o.signal);
  if (frames !== v.frames) {
    throw new DubarrError('E_INTERNAL', `the spliced video has ${frames} frames where the source has ${v.frames}; the spans were ${JSON.stringify(o.spans)}`);
  }
  o.progress?.(1);
  return { path: out, info: v, spans, reencodedFrames: spans.reduce((n, s) => n + s.frames, 0) };
}

async function packetCount(path: string, signal: AbortSignal): Promise<number> {
  const out = await runTool({
    binary: 'ffprobe', args: ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', path],
    tool: 'ffprobe', install: 'apt-get install ffmpeg', failureHint: 'check that the video is complete and playable', signal,
  });
  return Number(out.trim());
}
