/** The ffmpeg CLI tools as the independent oracle the native results are checked against. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FfprobeStream {
  index: number;
  codec_name?: string;
  codec_long_name?: string;
  codec_type?: string;
  extradata_size?: number;
  profile?: string;
  sample_fmt?: string;
  sample_rate?: string;
  channels?: number;
  channel_layout?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  time_base?: string;
  start_time?: string;
  duration?: string;
  bit_rate?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
}

export interface FfprobeResult {
  streams: FfprobeStream[];
  chapters: { id: number; start_time: string; end_time: string; tags?: Record<string, string> }[];
  format: {
    format_name: string;
    format_long_name: string;
    start_time?: string;
    duration?: string;
    size?: string;
    bit_rate?: string;
    tags?: Record<string, string>;
  };
}

export async function ffprobe(path: string): Promise<FfprobeResult> {
  const { stdout } = await run('ffprobe', ['-v', 'quiet', '-print_format', 'json', '-show_format', '-show_streams', '-show_chapters', path], {
    maxBuffer: 64 << 20,
  });
  return JSON.parse(stdout) as FfprobeResult;
}

export interface PacketInfo {
  pts: number | null;
  duration: number | null;
  hash: string;
}

/** Every packet of one stream (`0:v:0` style selector), with the MD5 of its payload. */
export async function packets(path: string, streamIndex: number): Promise<PacketInfo[]> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-select_streams', String(streamIndex), '-show_entries', 'packet=pts_time,duration_time,data_hash', '-show_data_hash', 'MD5', '-of', 'json', path],
    { maxBuffer: 256 << 20 },
  );
  const parsed = JSON.parse(stdout) as { packets: { pts_time?: string; duration_time?: string; data_hash: string }[] };
  return parsed.packets.map((p) => ({
    pts: p.pts_time === undefined ? null : Number(p.pts_time),
    duration: p.duration_time === undefined ? null : Number(p.duration_time),
    hash: p.data_hash,
  }));
}

/** First and last instants of a stream's packets, in file timestamps (seconds). */
export async function span(path: string, streamIndex: number): Promise<{ start: number; end: number; maxPacket: number }> {
  let start = Infinity;
  let end = -Infinity;
  let maxPacket = 0;
  for (const p of await packets(path, streamIndex)) {
    if (p.pts === null) continue;
    start = Math.min(start, p.pts);
    end = Math.max(end, p.pts + (p.duration ?? 0));
    maxPacket = Math.max(maxPacket, p.duration ?? 0);
  }
  return { start, end, maxPacket };
}

/**
 * Where a stream's packets end on the file's timeline: last pts + duration - the file's
 * presentation zero (the earliest first decoded audio/video frame, so pre-skip and priming
 * do not count; the container start time does count them in Matroska).
 */
export async function streamEnd(path: string, streamIndex: number): Promise<{ end: number; maxPacket: number }> {
  const [list, zero] = await Promise.all([packets(path, streamIndex), presentationZero(path)]);
  let end = 0;
  let maxPacket = 0;
  for (const p of list) {
    if (p.pts === null) continue;
    end = Math.max(end, p.pts + (p.duration ?? 0));
    maxPacket = Math.max(maxPacket, p.duration ?? 0);
  }
  return { end: end - zero, maxPacket };
}

/** stdout of an ffmpeg run (as text). */
export async function ffmpegText(args: string[]): Promise<string> {
  const { stdout } = await run('ffmpeg', ['-nostdin', '-v', 'error', ...args], { maxBuffer: 64 << 20 });
  return stdout;
}

/** The EBU R128 summary ffmpeg prints for a file (I, LRA, true peak). */
export async function ebur128Summary(path: string): Promise<{ i: number; lra: number; peak: number }> {
  const { stderr } = await run('ffmpeg', ['-nostdin', '-nostats', '-i', path, '-vn', '-af', 'ebur128=peak=true', '-f', 'null', '-'], {
    maxBuffer: 64 << 20,
  });
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const num = (re: RegExp) => Number(re.exec(summary)?.[1]);
  return { i: num(/I:\s+(-?[\d.]+) LUFS/), lra: num(/LRA:\s+(-?[\d.]+) LU/), peak: num(/Peak:\s+(-?[\d.]+) dBFS/) };
}

/**
 * Presentation time of a stream's first decoded frame (seconds, file timestamps): ffprobe
 * decodes it, so priming and pre-skip the file signals are already dropped.
 */
export async function firstFrameTime(path: string, streamIndex: number): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v', 'error', '-select_streams', String(streamIndex), '-read_intervals', '%+1', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', path,
  ]);
  const t = parseFloat(stdout.trim().split('\n')[0] ?? ''); // a line may go on with side data fields
  if (!Number.isFinite(t)) throw new Error(`${path}: no first frame time for stream ${streamIndex} (${stdout})`);
  return t;
}

/**
 * One audio stream decoded by the ffmpeg CLI to mono f32 at `rate` (default the stream's):
 * `ffmpeg -i IN -map 0:N -ac 1 -f f32le -`. Sample 0 is the first sample the CLI decodes.
 */
export async function cliSamples(path: string, streamIndex: number, rate?: number): Promise<Float32Array> {
  const { stdout } = await run(
    'ffmpeg',
    ['-nostdin', '-v', 'error', '-i', path, '-map', `0:${streamIndex}`, '-ac', '1', ...(rate ? ['-ar', String(rate)] : []), '-f', 'f32le', '-'],
    { encoding: 'buffer', maxBuffer: 256 << 20 },
  );
  const copy = Buffer.from(stdout);
  return new Float32Array(copy.buffer, copy.byteOffset, copy.length / 4);
}

/** Samples per channel the CLI decodes from one stream as s16 in its own rate and layout (`-f s16le`). */
export async function cliSampleCount(path: string, streamIndex: number): Promise<number> {
  const [{ stdout }, info] = await Promise.all([
    run('ffmpeg', ['-nostdin', '-v', 'error', '-i', path, '-map', `0:${streamIndex}`, '-f', 's16le', '-'], { encoding: 'buffer', maxBuffer: 256 << 20 }),
    ffprobe(path),
  ]);
  const channels = info.streams[streamIndex]?.channels ?? 1;
  return stdout.length / 2 / channels;
}

/** The earliest first decoded frame of the file's audio and video streams (seconds, file timestamps). */
export async function presentationZero(path: string): Promise<number> {
  const info = await ffprobe(path);
  const starts = await Promise.all(
    info.streams.filter((st) => st.codec_type === 'audio' || st.codec_type === 'video').map((st) => firstFrameTime(path, st.index)),
  );
  return starts.length ? Math.min(...starts) : Number(info.format.start_time ?? 0);
}
