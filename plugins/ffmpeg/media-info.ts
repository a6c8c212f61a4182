/**
 * What the pipeline needs to know about a source file, from one probe: which audio stream to
 * dub, where it sits on the timeline, the container, and the embedded subtitle streams.
 */
import { z } from 'zod';
import type { ProbeResult, StreamInfo } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/errors.js';
import { languageCode, lookupLanguage } from '../sdk/languages.js';
import { isOurDubTrack } from './dub-tracks.js';

export const SubtitleStreamInfo = z.object({
  index: z.number().int(),
  codec: z.string(),
  language: z.string().optional(),
  title: z.string().optional(),
  forced: z.boolean(),
  hearingImpaired: z.boolean(),
  text: z.boolean(),
});
export type SubtitleStreamInfo = z.infer<typeof SubtitleStreamInfo>;

/** The extract stage's document; later stages (mix, mux, QA) read it. */
export const MediaInfo = z.object({
  /** Absolute index of the audio stream being dubbed. */
  audioStream: z.number().int(),
  /** ISO 639-1 language of that stream, when tagged. */
  language: z.string().optional(),
  codec: z.string(),
  channels: z.number().int().positive(),
  channelLayout: z.string(),
  sampleRate: z.number().int().positive(),
  /** Where the stream's first sample sits on the video timeline, ms (audio that starts late). */
  startMs: z.number().int(),
  durationMs: z.number().int().nonnegative(),
  /** Short container name: 'mkv', 'mp4', 'mov', 'webm', 'avi', ... */
  container: z.string(),
  audioStreams: z.number().int(),
  hasVideo: z.boolean(),
  subtitleStreams: z.array(SubtitleStreamInfo),
});
export type MediaInfo = z.infer<typeof MediaInfo>;

const TEXT_SUBTITLE_CODECS = new Set(['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'mov_text', 'text']);

export function shortContainer(p: ProbeResult): string {
  const names = p.container.split(',');
  if (names.includes('matroska')) return p.path.toLowerCase().endsWith('.webm') ? 'webm' : 'mkv';
  if (names.includes('mov') || names.includes('mp4')) {
    const ext = p.path.toLowerCase().split('.').pop() ?? '';
    return ext === 'mov' ? 'mov' : 'mp4';
  }
  return names[0] ?? 'unknown';
}

/**
 * The stream to dub: the one in the source language if one is named, else the default audio
 * stream, else the first. Commentary and audio-description tracks are passed over when another
 * exists. Our own dub tracks (in a file dubbed in place, where one may be the default) are
 * passed over unless the named language has no other track: dubbing our dub would translate a
 * synthetic voice. A studio's dub (flagged `dub`: not the original language) is a real
 * performance the user may mean to dub from, so a named language takes it; when none is named,
 * the file's original-language track comes first, since translating from the original beats
 * translating a translation, and the dub only where there is nothing else.
 */
export function chooseAudioStream(p: ProbeResult, sourceLanguage?: string): StreamInfo {
  const audio = p.streams.filter((s) => s.type === 'audio');
  if (audio.length === 0) {
    throw new DubarrError('E_NO_AUDIO_STREAM', `${p.path} has no audio stream to dub (streams: ${p.streams.map((s) => s.type).join(', ') || 'none'})`);
  }
  const main = audio.filter((s) => !s.dispositions.comment && !s.dispositions.visualImpaired && !s.dispositions.descriptions);
  const pool = main.length ? main : audio;
  const notOurs = pool.filter((s) => !isOurDubTrack(s));
  const originals = notOurs.filter((s) => !s.dispositions.dub);
  const wanted = sourceLanguage ? lookupLanguage(sourceLanguage) : undefined;
  const inWanted = (s: StreamInfo) => lookupLanguage(s.language)?.code === wanted?.code;
  const preferred = (tier: StreamInfo[]) => tier.find((s) => s.dispositions.default) ?? tier[0];
  return (wanted && (originals.find(inWanted) ?? notOurs.find(inWanted) ?? pool.find(inWanted)))
    ?? preferred(originals) ?? preferred(notOurs) ?? preferred(pool)!;
}

export function subtitleStreams(p: ProbeResult): SubtitleStreamInfo[] {
  return p.streams.filter((s) => s.type === 'subtitle').map((s) => ({
    index: s.index,
    codec: s.codec,
    language: languageCode(s.language),
    title: s.title ?? undefined,
    forced: s.dispositions.forced || /\bforced\b/i.test(s.title ?? ''),
    hearingImpaired: s.dispositions.hearingImpaired || /\b(sdh|cc|hearing)\b/i.test(s.title ?? ''),
    text: TEXT_SUBTITLE_CODECS.has(s.codec),
  }));
}
