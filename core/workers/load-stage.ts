import { DubarrError } from '../../plugins/sdk/errors.js';
import type { StageRun } from '../../plugins/sdk/plugin.js';

const entries = new Map<string, Promise<StageRun>>();

/**
 * A stage entry module's StageRun, imported once per thread (the main thread and each worker
 * keep their own map). A failed import is forgotten so a fixed plugin loads on the next try.
 */
export function loadStageEntry(entry: string): Promise<StageRun> {
  let p = entries.get(entry);
  if (!p) {
    p = import(entry).then((m: { default?: unknown }) => {
      if (typeof m.default !== 'function') throw new DubarrError('E_PLUGIN_INVALID', `${entry} has no default-exported StageRun`);
      return m.default as StageRun;
    });
    p.catch(() => entries.delete(entry));
    entries.set(entry, p);
  }
  return p;
}
