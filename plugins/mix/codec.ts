/** The dub track's codec: what the source's container plays best, at a per-channel bitrate. */
import type { AacCoder, AudioEncoding } from '../../native/lib/index.js';
import { encoderLayout } from './channel-layout.js';
import type { MixOptions } from './options.js';

export type TrackCodec = 'aac' | 'opus' | 'flac';

const DEFAULT_KBPS: Record<Exclude<TrackCodec, 'flac'>, number> = { aac: 96, opus: 64 };

/**
 * The file each codec is written to. Not Matroska: it has no way to signal AAC's 1024 priming
 * samples, so an AAC track written there loses its first frame; MP4's edit list and Ogg's
 * pre-skip keep the track sample-exact, and the remux then places it exactly.
 */
export const TRACK_FILE: Record<TrackCodec, string> = { aac: 'track.m4a', opus: 'track.opus', flac: 'track.flac' };

export function chooseCodec(option: MixOptions['codec'], container: string): TrackCodec {
  if (option !== 'auto') return option;
  // WebM takes only Opus (and Vorbis); every other container dubarr writes plays AAC everywhere.
  return container === 'webm' ? 'opus' : 'aac';
}

export function trackEncoding(codec: TrackCodec, options: MixOptions, layout: string, channels: number): AudioEncoding {
  const wanted = encoderLayout(codec, layout, channels);
  return {
    codec,
    ...(codec === 'flac' ? {} : { bitrate: (options.bitratePerChannel ?? DEFAULT_KBPS[codec]) * 1000 * channels }),
    ...(codec === 'aac' ? { aacCoder: aacCoder(options.aacCoder, channels) } : {}),
    ...(wanted ? { layout: wanted } : {}),
  };
}

/** See MixOptions.aacCoder for the measurements behind 'auto'. */
export function aacCoder(option: MixOptions['aacCoder'], channels: number): AacCoder {
  if (option !== 'auto') return option;
  return channels > 2 ? 'fast' : 'twoloop';
}
