import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SUBTITLE_FOLDERS, usersSidecarTags } from './discover.js';
import { isSubtitleFormat } from '../sdk/sidecar-name.js';

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

/**
 * The sidecars beside a video by name and content hash, for the source-text stage's cache key:
 * an edited, added or removed subtitle file changes it, a rewritten identical one does not.
 * Subtitle files are small, so their whole content is hashed.
 */
export async function sidecarIdentities(videoPath: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  // Only the user's files that belong to this video (what discovery ranks): not other videos'
  // subtitles, nor ours (`Movie.dubarr.es.srt`), which a sidecar or in-place run writes beside it.
  for (const rel of (await listSidecarFiles(videoPath)).filter((f) => usersSidecarTags(videoPath, f)).sort()) {
    const content = await readFile(join(dirname(videoPath), rel)).catch(() => undefined);
    if (content) out[rel] = createHash('sha256').update(content).digest('hex').slice(0, 32);
  }
  return out;
}
