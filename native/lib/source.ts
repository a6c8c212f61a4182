/** Which audio stream to read and how to convert it; shared by decode, encode and filters. */
import type { RawSourceSpec } from './binding.js';
import { invalidArgument } from './errors.js';
import { languageAliases } from './languages.js';
import { SAMPLE_RATE_RANGE, oneOf, optionalBoolean, optionalInt, optionalString, requireObject, requirePath } from './validate.js';

export interface AudioStreamSelector {
  /** Absolute stream index (as in ProbeResult.streams[].index). */
  stream?: number;
  /** ISO 639-2 language of the stream to take (B or T form); a default stream wins ties. */
  language?: string;
}

export interface AudioConversion {
  /** Output sample rate; default: the stream's. */
  sampleRate?: number;
  /** 'mono' downmixes, 'original' keeps the layout, a number picks the default layout for that count. */
  channels?: 'mono' | 'original' | number;
  /** Mono from the centre channel alone (dialogue in 5.1); a downmix when there is no centre. */
  centerOnly?: boolean;
}

/** Headerless PCM input: the format has to be stated. */
export interface RawPcmInput {
  sampleFormat: 's16' | 'f32';
  sampleRate: number;
  /** Channel count; with only this, libav's default layout for the count (6 = '5.1(side)'). */
  channels?: number;
  /**
   * The interleaved channels' layout in libav's names: '5.1', '5.1(side)', 'stereo', 'quad',
   * 'FL+FR+LFE', ... Needed for multichannel PCM whose order is not the default for its count.
   * Give channels, layout, or both (they must agree).
   */
  layout?: string;
}

export function sourceSpec(
  path: string,
  opts: AudioStreamSelector & AudioConversion & { raw?: RawPcmInput },
  where: string,
  sampleFormat: RawSourceSpec['sampleFormat'],
): RawSourceSpec {
  const spec: RawSourceSpec = { path: requirePath(path, `${where}: input`), sampleFormat };
  spec.streamIndex = optionalInt(opts.stream, `${where}: stream`, 0, 65535);
  if (opts.language !== undefined) {
    if (spec.streamIndex !== undefined) throw invalidArgument(`${where}: give stream or language, not both`);
    spec.languages = languageAliases(opts.language);
  }
  spec.sampleRate = optionalInt(opts.sampleRate, `${where}: sampleRate`, ...SAMPLE_RATE_RANGE);
  const center = optionalBoolean(opts.centerOnly, `${where}: centerOnly`) ?? false;
  const channels = opts.channels ?? 'original';
  if (center) {
    if (channels !== 'original' && channels !== 'mono' && channels !== 1) {
      throw invalidArgument(`${where}: centerOnly gives mono; channels must be 'mono' or left out`);
    }
    spec.channelMode = 'center';
  } else if (channels === 'mono') {
    spec.channelMode = 'mono';
  } else if (channels === 'original') {
    spec.channelMode = 'original';
  } else if (typeof channels === 'number') {
    spec.channels = optionalInt(channels, `${where}: channels`, 1, 16);
    spec.channelMode = 'count';
  } else {
    throw invalidArgument(`${where}: channels must be 'mono', 'original' or a channel count`);
  }
  if (opts.raw !== undefined) {
    const raw = requireObject(opts.raw, `${where}: raw`);
    spec.raw = {
      sampleFormat: oneOf(raw.sampleFormat, ['s16', 'f32'] as const, `${where}: raw.sampleFormat`) ?? 's16',
      sampleRate: optionalInt(raw.sampleRate, `${where}: raw.sampleRate`, ...SAMPLE_RATE_RANGE) ?? 0,
      channels: optionalInt(raw.channels, `${where}: raw.channels`, 1, 16) ?? 0,
    };
    // The layout name itself is checked natively (libav's parser is the authority on names).
    const layout = optionalString(raw.layout, `${where}: raw.layout`, 64);
    if (layout !== undefined) spec.raw.layout = layout;
    if (!spec.raw.sampleRate || (!spec.raw.channels && layout === undefined)) {
      throw invalidArgument(`${where}: raw needs sampleRate and channels or layout`);
    }
  }
  return spec;
}
