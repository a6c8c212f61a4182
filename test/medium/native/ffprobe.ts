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

/** Where a stream's packets end on the file's timeline (last pts + duration - format start). */
export async function streamEnd(path: string, streamIndex: number): Promise<{ end: number; maxPacket: number }> {
  const [list, probe] = await Promise.all([packets(path, streamIndex), ffprobe(path)]);
  const zero = Number(probe.format.start_time ?? 0);
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
