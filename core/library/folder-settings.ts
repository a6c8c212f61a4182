import { resolve, sep } from 'node:path';
import { watchFolder, type Config } from '../config/schema.js';

export type FolderSettings = Config['watch']['folders'][number];

/**
 * The settings that apply to a path: those of the innermost watched folder holding it, else
 * a folder's defaults with the path itself as the folder (include/exclude globs are relative
 * to it).
 */
export function settingsFor(path: string, watch: Config['watch']): FolderSettings {
  const abs = resolve(path);
  const holding = watch.folders
    .filter((f) => abs === f.path || abs.startsWith(f.path.endsWith(sep) ? f.path : f.path + sep))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return holding ?? watchFolder.parse({ path: abs });
}
