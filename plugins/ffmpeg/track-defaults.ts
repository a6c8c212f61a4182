/**
 * Which tracks of a dubbed file players start with, from the job's `defaultAudio` and
 * `defaultSubtitle` (config `pipeline.*`, passed as job parameters so changing them re-runs
 * only the mux). Exactly one default audio track: the original unless the dub is asked for
 * (the addon's remux picks it and fills it in for sources that flag none, e.g. MPEG-PS). No
 * default subtitle track unless asked; when asked, the first translated one is the only one.
 */
import type { DispositionChanges, NewSubtitleTrack, SourceStreamTags } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/errors.js';
import type { MediaInfo } from './media-info.js';

export interface TrackDefaults {
  audio: 'original' | 'dub';
  subtitle: 'none' | 'dub';
}

function choice<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (value === undefined) return allowed[0]!;
  if (allowed.includes(value as T)) return value as T;
  throw new DubarrError('E_INVALID_ARGUMENT', `mux: ${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, not ${JSON.stringify(value)}`);
}

export function trackDefaults(params: Readonly<Record<string, unknown>>): TrackDefaults {
  return {
    audio: choice(params.defaultAudio, ['original', 'dub'] as const, 'defaultAudio'),
    subtitle: choice(params.defaultSubtitle, ['none', 'dub'] as const, 'defaultSubtitle'),
  };
}

/** The remux's rule for the one default audio track. */
export function remuxDefaultAudio(d: TrackDefaults): 'source' | 'dub' {
  return d.audio === 'dub' ? 'dub' : 'source';
}

/** Dispositions of the i-th translated subtitle track. */
export function subtitleDispositions(d: TrackDefaults, i: number): DispositionChanges {
  return { default: d.subtitle === 'dub' && i === 0 };
}

/** The source's own subtitle tracks give up default only when ours takes it. */
export function sourceSubtitleTags(d: TrackDefaults, info: MediaInfo, embedded: readonly NewSubtitleTrack[]): SourceStreamTags[] {
  if (d.subtitle !== 'dub' || embedded.length === 0) return [];
  return info.subtitleStreams.map((s) => ({ index: s.index, dispositions: { default: false } }));
}

/** Dispositions of a sidecar .mka's dub track: default only when the dub is the default audio. */
export function sidecarTrackDispositions(d: TrackDefaults): DispositionChanges {
  return { dub: true, default: d.audio === 'dub' };
}
