/** The models dubarr knows: the shipped catalogue, with the entries of models.catalogue over it. */
import { existsSync } from 'node:fs';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { readCatalogue, type ModelEntry } from '../../plugins/sdk/models.js';

/**
 * Reads the catalogues each time it is called (a user editing their file sees it at the next
 * `list`); an entry of `extraPath` replaces a shipped one of the same id.
 */
export function catalogueReader(extraPath: string): () => readonly ModelEntry[] {
  return () => {
    const shipped = readCatalogue();
    if (!extraPath) return shipped;
    if (!existsSync(extraPath)) {
      throw new DubarrError('E_CONFIG_INVALID', `models.catalogue names ${extraPath}, which does not exist: fix the path or set it to ''`);
    }
    let extra: readonly ModelEntry[];
    try {
      extra = readCatalogue(extraPath);
    } catch (e) {
      // The user's file, not dubarr's: a problem to fix in it, not a bug to report.
      throw new DubarrError('E_CONFIG_INVALID', `models.catalogue (${extraPath}): ${(e as Error).message}`, { cause: e });
    }
    const ids = new Set(extra.map((m) => m.id));
    return [...shipped.filter((m) => !ids.has(m.id)), ...extra];
  };
}
