/**
 * Where outputs go and what they are called, following the naming Jellyfin, Plex and Emby read:
 * a dubbed copy is another version of the film (`Movie (2001) - dub es.mkv`), sidecar files
 * carry the language as a tag (`Movie (2001) - dub es.es.srt`, `Movie (2001).es.mka`) and, beside
 * the user's own video, dubarr's tag (`Movie (2001).dubarr.es.srt`).
 */
import { basename, dirname, extname, join } from 'node:path';
import { sidecarName } from '../sdk/sidecar-name.js';
import { requireLanguage } from '../sdk/languages.js';

export function stem(path: string): string { return basename(path, extname(path)); }

export function outputDir(source: string, outDir?: string): string { return outDir || dirname(source); }

/** `Movie (2001) - dub es ca.mkv` beside the source (or in outDir). */
export function dubVersionPath(source: string, langs: readonly string[], outDir?: string): string {
  return join(outputDir(source, outDir), `${stem(source)} - dub ${langs.join(' ')}${extname(source)}`);
}

/** `Movie.es.srt`; with a tag, `Movie.<tag>.es.srt` (see DUBARR_SIDECAR_TAG for why that order). */
export function sidecarPath(video: string, lang: string, ext: string, outDir?: string, tag?: string): string {
  return join(outputDir(video, outDir), sidecarName(video, lang, { ext, tag }));
}

/** 'Español (AI dub)': the language's own name, so the player's track menu reads naturally. */
export function dubTitle(lang: string, kind: 'dub' | 'subtitles' | 'transcript'): string {
  const l = requireLanguage(lang);
  const name = l.nativeName.charAt(0).toUpperCase() + l.nativeName.slice(1);
  return kind === 'dub' ? `${name} (AI dub)` : kind === 'subtitles' ? `${name} (AI)` : `${name} (transcript)`;
}
