/**
 * Subtitle sidecar names as Jellyfin, Plex and Emby read them:
 * `<video name>[.<tag>...].<ext>`, tags being a language (ISO 639-1/2 code or English
 * name) and flags (`forced`, `sdh`/`hi`/`cc`, `default`), in any order and case.
 */
import { basename, extname } from 'node:path';
import { DubarrError } from './errors.js';
import { languageCode } from './languages.js';

export const SUBTITLE_FORMATS = ['srt', 'ass', 'ssa', 'vtt'] as const;
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number];

export function isSubtitleFormat(s: string): s is SubtitleFormat {
  return (SUBTITLE_FORMATS as readonly string[]).includes(s);
}

export interface SidecarTags {
  /** ISO 639-1; undefined for an untagged file. */
  language?: string;
  forced: boolean;
  sdh: boolean;
  default: boolean;
  format: SubtitleFormat;
  /** Tags that are neither a language nor a flag ('commentary'); such files rank lower. */
  unknownTags: string[];
}

const FORCED = new Set(['forced', 'foreign']);
const SDH = new Set(['sdh', 'cc', 'hi']);

/**
 * Reads the tags of `file` (a path relative to the video's folder) if it is a subtitle
 * sidecar of `videoFile`; undefined otherwise. In a subfolder (`Subs/English.srt`) the
 * name may also be tags alone, as release packs name them.
 */
export function parseSidecarName(videoFile: string, file: string): SidecarTags | undefined {
  const ext = extname(file).slice(1).toLowerCase();
  if (!isSubtitleFormat(ext)) return undefined;
  const videoBase = stem(basename(videoFile)).toLowerCase();
  const name = stem(basename(file));
  const lower = name.toLowerCase();
  const inSubfolder = basename(file) !== file.replace(/^\.\//, '');
  let tagText: string;
  if (lower === videoBase) tagText = '';
  else if (lower.startsWith(`${videoBase}.`)) tagText = name.slice(videoBase.length + 1);
  else if (inSubfolder) tagText = name;
  else return undefined;
  const tags = readTags(tagText, ext);
  if (inSubfolder && tagText === name && !tags.language) return undefined;
  return tags;
}

function stem(name: string): string {
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

function readTags(tagText: string, format: SubtitleFormat): SidecarTags {
  const tags: SidecarTags = { forced: false, sdh: false, default: false, format, unknownTags: [] };
  const words: string[] = [];
  for (const token of tagText.split('.').filter(Boolean)) {
    // A whole token first, so region forms such as 'pt-BR' or 'en_US' stay one language.
    if (isRegionalCode(token) && languageCode(token)) words.push(token);
    else words.push(...token.split(/[\s_\-[\]()]+/).filter(Boolean));
  }
  // 'hi' is Hindi alone ('Movie.hi.srt') but hearing-impaired next to a language ('Movie.en.hi.srt').
  const otherLanguage = words.some((w) => w.toLowerCase() !== 'hi' && !isFlag(w) && languageCode(w));
  for (const w of words) {
    const lw = w.toLowerCase();
    if (FORCED.has(lw)) tags.forced = true;
    else if (lw === 'default') tags.default = true;
    else if (SDH.has(lw) && (lw !== 'hi' || otherLanguage)) tags.sdh = true;
    else if (!tags.language && languageCode(w)) tags.language = languageCode(w);
    else tags.unknownTags.push(w);
  }
  return tags;
}

/** 'pt', 'pt-BR', 'en_US', 'es-419', 'sr-Latn' — but not 'en-sdh' or 'en-forced', which are two tags. */
function isRegionalCode(token: string): boolean {
  const m = /^([a-z]{2,3})(?:[-_]([a-z]{2}|\d{3}|[a-z]{4}))?$/i.exec(token);
  return !!m && !isFlag(m[1]!) && !(m[2] && (isFlag(m[2]) || m[2].toLowerCase() === 'hi'));
}

function isFlag(word: string): boolean {
  const w = word.toLowerCase();
  return FORCED.has(w) || w === 'default' || w === 'sdh' || w === 'cc';
}

/**
 * The tag in the name of every subtitle file dubarr writes beside a video it did not write
 * (sidecar and in-place modes): `Movie.dubarr.es.srt`. It is how dubarr tells its own output
 * from the user's subtitles: such files are never source text and never part of a cache key.
 * It sits before the language because Plex's local-media agent and older Jellyfin and Emby take
 * the language from the last name part (after `forced`/`default`); Jellyfin 10.9+ reads the
 * parts in any order and shows an unknown one as the track's title ("dubarr - Spanish - SRT").
 */
export const DUBARR_SIDECAR_TAG = 'dubarr';

/** Whether a parsed sidecar name carries dubarr's tag, i.e. dubarr wrote the file. */
export function isDubarrSidecar(tags: SidecarTags): boolean {
  return tags.unknownTags.some((t) => t.toLowerCase() === DUBARR_SIDECAR_TAG);
}

/**
 * The sidecar file name for a subtitle of `videoPath` in `language`, as media servers
 * expect it: `Movie.es.srt`, `Movie.es.forced.srt`, `Movie.es.sdh.srt`; with a tag (a title
 * word such as DUBARR_SIDECAR_TAG), `Movie.<tag>.es.srt`. Join it with the video's folder for
 * the path.
 */
export function sidecarName(
  videoPath: string,
  language: string,
  opts: { forced?: boolean; sdh?: boolean; ext: string; tag?: string },
): string {
  const code = languageCode(language);
  if (!code) {
    throw new DubarrError('E_INVALID_ARGUMENT', `sidecarName: unknown language '${language}'; use an ISO 639 code such as 'es'`);
  }
  const ext = opts.ext.replace(/^\./, '').toLowerCase();
  if (!/^[a-z0-9]+$/.test(ext)) throw new DubarrError('E_INVALID_ARGUMENT', `sidecarName: bad extension '${opts.ext}'`);
  if (opts.tag !== undefined && !/^[a-z0-9-]+$/i.test(opts.tag)) throw new DubarrError('E_INVALID_ARGUMENT', `sidecarName: bad tag '${opts.tag}'`);
  const parts = [stem(basename(videoPath)), ...(opts.tag ? [opts.tag] : []), code];
  if (opts.sdh) parts.push('sdh');
  if (opts.forced) parts.push('forced');
  parts.push(ext);
  return parts.join('.');
}

/** Marks a dubbed version dubarr wrote: `Movie (2001) - dub es ca.mkv`. */
export const DUB_VERSION_PATTERN = / - dub [a-z]{2,3}(?: [a-z]{2,3})*\.[a-z0-9]+$/i;

/**
 * Files dubarr itself writes (dubbed versions, in-place temp files and backups), which a
 * watched folder must never pick up as new work.
 */
export function isDubarrOutput(path: string): boolean {
  return DUB_VERSION_PATTERN.test(path) || /\.dubarr-(tmp|bak)\b|\.dubarr-[^/]*\.part$/.test(path);
}
