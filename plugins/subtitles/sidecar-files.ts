import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listSidecarFiles, usersSidecarTags } from '../sdk/sidecar-discovery.js';

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
