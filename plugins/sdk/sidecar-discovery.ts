/**
 * The user's own subtitle files of a video: which exist (listSidecarFiles) and which to use as
 * its source text (discoverSidecars). In the SDK because two plugins ask: the subtitles plugin
 * reads the best one; the mux does not deliver a transcript the user already has.
 *
 * Ranking (first rule that differs decides):
 *  1. Eligible files only: a supported extension (srt, ass, ssa, vtt) and a name that
 *     belongs to the video (see parseSidecarName), not tagged as dubarr's own output
 *     (`Movie.dubarr.en.srt`: a machine transcript or translation is never the user's text).
 *     Forced files cover only the lines in a foreign language, never the whole dialogue, so
 *     they are dropped — or, with `allowForced`, kept behind every full file.
 *  2. Language. With a source language: files tagged with it, then untagged files (assumed
 *     to be in it); other languages are dropped. Without one: the preferred language (a hint
 *     such as the audio stream's tag) if a file has it, else the tagged language if only one
 *     is present, else English if present (other languages dropped); untagged files come
 *     after those, and alone they are accepted with no language (the job's source-language
 *     step identifies it from the text).
 *  3. Plain before SDH (`preferSdh` reverses this); SDH text is cleaned either way.
 *  4. Files flagged `default` first.
 *  5. Files without unknown tags (`Movie.en.commentary.srt`) first.
 *  6. Next to the video before a Subs/ or Subtitles/ folder.
 *  7. Format: srt, ass, ssa, vtt — a tie-break only.
 *  8. Path, so the order is stable.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SUBTITLE_FORMATS, isDubarrSidecar, isSubtitleFormat, parseSidecarName, type SidecarTags } from './sidecar-name.js';

export interface DiscoverOptions {
  /** ISO 639-1; undefined when the job does not know the source language. */
  sourceLanguage?: string;
  /**
   * ISO 639-1 to take when no source language is given and a file is tagged with it: a hint,
   * such as the audio stream's tag, which may be wrong. When no file has it, it changes
   * nothing; untagged files are never dropped for it.
   */
  preferredLanguage?: string;
  preferSdh?: boolean;
  allowForced?: boolean;
}

export interface SidecarCandidate {
  /** Relative to the video's folder, '/'-separated ('Subs/Movie.en.srt'). */
  path: string;
  tags: SidecarTags;
  /** The language the text is taken to be in: the tag, else the source language; undefined when neither says. */
  language?: string;
  inSubfolder: boolean;
}

/** Subfolders media servers look into, matched case-insensitively. */
export const SUBTITLE_FOLDERS = ['subs', 'subtitles'] as const;

/** The tags of `file` if it is a sidecar of `videoFile` that the user (not dubarr) put there. */
export function usersSidecarTags(videoFile: string, file: string): SidecarTags | undefined {
  const tags = parseSidecarName(videoFile, file);
  return tags && !isDubarrSidecar(tags) ? tags : undefined;
}

export function discoverSidecars(videoFile: string, files: readonly string[], opts: DiscoverOptions = {}): SidecarCandidate[] {
  const parsed = files.flatMap((path) => {
    const tags = usersSidecarTags(videoFile, path);
    if (!tags || (tags.forced && !opts.allowForced)) return [];
    const inSubfolder = path.includes('/');
    return [{ path, tags, inSubfolder }];
  });
  const wanted = wantedLanguage(parsed.map((p) => p.tags), opts);
  const eligible = parsed
    .filter((p) => p.tags.language === undefined || p.tags.language === wanted)
    .map((p) => ({ ...p, language: p.tags.language ?? opts.sourceLanguage }));
  return eligible.sort((a, b) => compare(a, b, opts));
}

/** The tagged language to accept, per rule 2; undefined accepts untagged files only. */
function wantedLanguage(tags: SidecarTags[], opts: DiscoverOptions): string | undefined {
  if (opts.sourceLanguage) return opts.sourceLanguage;
  const present = new Set(tags.filter((t) => !t.forced && t.language).map((t) => t.language!));
  if (opts.preferredLanguage && present.has(opts.preferredLanguage)) return opts.preferredLanguage;
  if (present.size === 1) return [...present][0];
  if (present.has('en')) return 'en';
  // Forced files alone still name a language, for `allowForced`.
  const forced = new Set(tags.filter((t) => t.language).map((t) => t.language!));
  return forced.size === 1 ? [...forced][0] : undefined;
}

type Ranked = Omit<SidecarCandidate, 'language'>;

function compare(a: Ranked, b: Ranked, opts: DiscoverOptions): number {
  const keys = (c: Ranked) => [
    c.tags.forced ? 1 : 0,
    c.tags.language ? 0 : 1,
    c.tags.sdh === !!opts.preferSdh ? 0 : 1,
    c.tags.default ? 0 : 1,
    c.tags.unknownTags.length ? 1 : 0,
    c.inSubfolder ? 1 : 0,
    SUBTITLE_FORMATS.indexOf(c.tags.format),
  ];
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Subtitle-looking files beside the video and in its Subs/ or Subtitles/ folder, as paths
 * relative to the video's folder ('Movie.en.srt', 'Subs/Movie.en.srt'). An unreadable
 * folder simply has no sidecars.
 */
export async function listSidecarFiles(videoPath: string): Promise<string[]> {
  const dir = dirname(videoPath);
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if ((e.isFile() || e.isSymbolicLink()) && looksLikeSubtitle(e.name)) out.push(e.name);
    else if (e.isDirectory() && (SUBTITLE_FOLDERS as readonly string[]).includes(e.name.toLowerCase())) {
      for (const f of await readdir(join(dir, e.name), { withFileTypes: true }).catch(() => [])) {
        if ((f.isFile() || f.isSymbolicLink()) && looksLikeSubtitle(f.name)) out.push(`${e.name}/${f.name}`);
      }
    }
  }
  return out.filter((f) => basename(f) !== basename(videoPath));
}

function looksLikeSubtitle(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && isSubtitleFormat(name.slice(dot + 1).toLowerCase());
}
