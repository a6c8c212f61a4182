/**
 * Loads the compiled addon (native/build/Release/dubarr_native.node) and describes its raw
 * shape. Only the wrappers in this folder call it; they validate every argument first.
 * The path is found from the repository root so it works from native/lib and dist/native/lib.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Flags = Int32Array[];
export type RawProgress = (seconds: number, total: number | null) => void;
type AsyncOp<A, R> = (args: A, flags?: Flags, onProgress?: RawProgress) => Promise<R>;
type SyncOp<A, R> = (args: A, flags?: Flags, onProgress?: RawProgress) => R;

export interface RawSourceSpec {
  path: string;
  streamIndex?: number;
  languages?: string[];
  sampleRate?: number;
  channelMode?: 'original' | 'mono' | 'count' | 'center';
  channels?: number;
  sampleFormat?: 's16' | 'f32' | 'native';
  raw?: { sampleFormat: 's16' | 'f32'; sampleRate: number; channels: number; layout?: string };
}

export interface RawSourceInfo {
  streamIndex: number;
  codec: string;
  sampleRate: number;
  channels: number;
  channelLayout: string;
  sampleFormat: string;
  sourceSampleRate: number;
  sourceChannelLayout: string;
  timelineStart: number;
  streamStart: number;
  duration: number | null;
  centerExtracted: boolean;
}

export interface RawStream {
  index: number;
  type: string;
  codec: string;
  codecLongName: string;
  profile: string | null;
  tags: Record<string, string>;
  dispositions: string[];
  startTime: number | null;
  duration: number | null;
  timeBase: [number, number] | null;
  bitRate: number | null;
  extradataSize: number;
  channels?: number;
  sampleRate?: number;
  channelLayout?: string | null;
  sampleFormat?: string | null;
  width?: number;
  height?: number;
  avgFrameRate?: [number, number] | null;
  rFrameRate?: [number, number] | null;
  pixelFormat?: string | null;
}

export interface RawProbe {
  formatName: string;
  formatLongName: string;
  duration: number | null;
  startTime: number | null;
  bitRate: number | null;
  size: number | null;
  tags: Record<string, string>;
  streams: RawStream[];
  chapters: { id: number; start: number; end: number; tags: Record<string, string> }[];
}

export interface RawEncodeSpec {
  encoder: string;
  muxer: string;
  bitrate?: number;
  sampleRate?: number;
  channels?: number;
  layout?: string;
  aacCoder?: 'twoloop' | 'fast';
}

export interface RawEncodeResult {
  path: string;
  codec: string;
  sampleRate: number;
  channels: number;
  channelLayout: string;
  samples: number;
}

export interface RawLoudness {
  integrated: number | null;
  lra: number | null;
  lraLow: number | null;
  lraHigh: number | null;
  truePeak: number | null;
  samplePeak: number | null;
}

export interface RawTrackTags {
  language?: string;
  title?: string;
  /** Disposition name (libav spelling) -> set (true) or clear (false). */
  dispositions?: Record<string, boolean>;
}

export interface RawRemuxArgs {
  source: string;
  out: string;
  container: 'auto' | 'mkv' | 'mp4';
  tool: string;
  audio: (RawTrackTags & { path: string; streamIndex?: number; offset: number })[];
  subtitles: (RawTrackTags & { path: string; format: string; offset: number })[];
  sourceStreams: (RawTrackTags & { index: number })[];
  markSourceOriginal: number;
  defaultAudio: 'source' | 'dub';
  faststart: boolean;
  video?: string;
}

export interface RawRemuxResult {
  path: string;
  container: string;
  fallbackReason: string | null;
  streams: { index: number; type: string; codec: string; origin: 'source' | 'audio' | 'subtitle'; originIndex: number }[];
  skipped: { index: number; type: string; codec: string; reason: string }[];
}

export interface RawThumbnailArgs {
  path: string;
  time: number;
  width?: number;
  streamIndex?: number;
}
export interface RawThumbnail {
  data: Buffer;
  width: number;
  height: number;
  time: number | null;
  streamIndex: number;
}

export interface RawClipVideoArgs {
  source: string;
  out: string;
  start: number;
  duration: number;
  mode: 'auto' | 'copy' | 'encode';
  maxWidth?: number;
  crf?: number;
  streamIndex?: number;
}
export interface RawClipVideoResult {
  path: string;
  start: number;
  duration: number;
  copied: boolean;
  codec: string;
  width: number;
  height: number;
  frames: number;
}

export interface RawAudioStream {
  open(): Promise<RawSourceInfo>;
  openSync(): RawSourceInfo;
  read(): Promise<RawChunk | null>;
  readSync(): RawChunk | null;
  close(): void;
}
export interface RawChunk {
  data: Buffer;
  samples: number;
  time: number;
}

export interface NativeBinding {
  probe: AsyncOp<{ path: string }, RawProbe>;
  probeSync: SyncOp<{ path: string }, RawProbe>;
  decodeToWav: AsyncOp<{ source: RawSourceSpec; out: string }, RawSourceInfo & { samples: number; decodeErrors: number }>;
  decodeToWavSync: SyncOp<{ source: RawSourceSpec; out: string }, RawSourceInfo & { samples: number; decodeErrors: number }>;
  encodeAudio: AsyncOp<{ source: RawSourceSpec; out: string; encode: RawEncodeSpec }, RawEncodeResult>;
  encodeAudioSync: SyncOp<{ source: RawSourceSpec; out: string; encode: RawEncodeSpec }, RawEncodeResult>;
  runFilterGraph: AsyncOp<{ inputs: RawSourceSpec[]; graph: string; out: string; encode: RawEncodeSpec }, RawEncodeResult>;
  runFilterGraphSync: SyncOp<{ inputs: RawSourceSpec[]; graph: string; out: string; encode: RawEncodeSpec }, RawEncodeResult>;
  measureLoudness: AsyncOp<{ source: RawSourceSpec; truePeak: boolean }, RawLoudness>;
  measureLoudnessSync: SyncOp<{ source: RawSourceSpec; truePeak: boolean }, RawLoudness>;
  extractSubtitle: AsyncOp<{ path: string; streamIndex: number; out: string; format: 'srt' | 'ass' }, { path: string; events: number }>;
  extractSubtitleSync: SyncOp<{ path: string; streamIndex: number; out: string; format: 'srt' | 'ass' }, { path: string; events: number }>;
  remux: AsyncOp<RawRemuxArgs, RawRemuxResult>;
  remuxSync: SyncOp<RawRemuxArgs, RawRemuxResult>;
  thumbnail: AsyncOp<RawThumbnailArgs, RawThumbnail>;
  thumbnailSync: SyncOp<RawThumbnailArgs, RawThumbnail>;
  clipVideo: AsyncOp<RawClipVideoArgs, RawClipVideoResult>;
  clipVideoSync: SyncOp<RawClipVideoArgs, RawClipVideoResult>;
  AudioStream: new (args: { source: RawSourceSpec; chunkSeconds: number }, flags?: Flags) => RawAudioStream;
  setLogLevel(level: number): void;
  versions(): Record<string, string>;
  linkedVersions(): Record<string, string>;
}

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native', 'binding.gyp'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('dubarr native: cannot find the repository root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const repoRoot = findRoot();
export const addonPath = join(repoRoot, 'native', 'build', 'Release', 'dubarr_native.node');

const require = createRequire(import.meta.url);
export const binding = require(addonPath) as NativeBinding;

/** "dubarr 0.1.0": written into every remuxed file as the tool tag. */
export const toolTag = `dubarr ${(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version}`;
