/**
 * The subtitle files the mux writes beside a video: each target's translation and the source
 * language's transcript, in the job's formats, named after the video.
 *  - Beside our own dubbed version (`Movie - dub es.mkv`, mux mode) the names are plain
 *    (`Movie - dub es.es.srt`) and every one of them is ours by construction: after a re-run
 *    with other formats, ours in the formats no longer chosen are removed.
 *  - Beside the user's own video (sidecar and in-place modes) the names carry dubarr's tag
 *    (`Movie.dubarr.es.srt`), no file is ever removed, and the transcript is not delivered when
 *    the user already has subtitles in its language beside the source: found as the source-text
 *    step finds them (`Movie.eng.srt`, `Movie.en.sdh.ass`, `Subs/English.srt`), perhaps the very
 *    file the text was read from.
 */
import { copyFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { discoverSidecars, listSidecarFiles } from '../sdk/sidecar-discovery.js';
import { DUB_VERSION_PATTERN, DUBARR_SIDECAR_TAG } from '../sdk/sidecar-name.js';
import { SUBTITLE_OUTPUT_FORMATS } from '../sdk/subtitle-output-formats.js';
import type { Logger } from '../sdk/plugin.js';
import { sidecarPath } from './output-names.js';
import type { SubtitleFile } from './subtitle-files.js';

export interface SubtitleSidecars {
  /** The user's video, where their own subtitles are. */
  source: string;
  /** The video the subtitles belong to: our dubbed version, the swapped source, or the source (sidecar mode). */
  video: string;
  /** Whether this run wrote `video` (mux mode): only then are files beside it removed. */
  ownVideo: boolean;
  /** Where the files go when not beside `video` (sidecar mode's --out). */
  outDir?: string;
  /** Per language, its files in the chosen formats; an empty list delivers none. */
  languages: ReadonlyArray<{ lang: string; files: readonly SubtitleFile[] }>;
  /** The source language, whose files are skipped beside a user's video that has its own. */
  sourceLanguage?: string;
  log: Logger;
}

/** Writes the sidecars; returns the paths written. */
export async function writeSubtitleSidecars(s: SubtitleSidecars): Promise<string[]> {
  const tag = sidecarTag(s.video);
  const usersOwn = tag !== undefined && s.sourceLanguage !== undefined && (await usersSubtitles(s.source, s.sourceLanguage)).length > 0;
  const written: string[] = [];
  for (const { lang, files } of s.languages) {
    const deliver = !(usersOwn && lang === s.sourceLanguage);
    for (const [ext, file] of deliver ? files : []) {
      const dest = sidecarPath(s.video, lang, ext, s.outDir, tag);
      await copyFile(file, dest);
      written.push(dest);
    }
    if (s.ownVideo && tag === undefined) {
      for (const ext of SUBTITLE_OUTPUT_FORMATS) {
        const stale = sidecarPath(s.video, lang, ext, s.outDir);
        if (written.includes(stale) || !existsSync(stale)) continue;
        await rm(stale, { force: true });
        s.log.info({ file: stale }, `removed our earlier ${ext} subtitles: the job no longer delivers that format`);
      }
    }
  }
  return written;
}

/**
 * The user's subtitle files tagged with `language` beside `source` (and in its Subs/ folder),
 * full ones only: forced files carry just the foreign lines. An untagged `Movie.srt` may be in
 * any language, so it does not make ours, which says its language, redundant.
 */
async function usersSubtitles(source: string, language: string): Promise<string[]> {
  return discoverSidecars(source, await listSidecarFiles(source), { sourceLanguage: language })
    .filter((c) => c.tags.language === language)
    .map((c) => c.path);
}

/**
 * Beside a video we wrote (`Movie - dub es.mp4`) the plain name (`Movie - dub es.es.srt`);
 * beside the user's own video (sidecar and in-place modes) always the dubarr tag
 * (`Movie.dubarr.es.srt`), so a later job never reads our output as the user's subtitles and
 * a user's own `Movie.es.srt` is never overwritten.
 */
function sidecarTag(video: string): string | undefined {
  return DUB_VERSION_PATTERN.test(video) ? undefined : DUBARR_SIDECAR_TAG;
}
