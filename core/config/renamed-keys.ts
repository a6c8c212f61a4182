import { formatKeyPath } from './problems.js';

/**
 * Keys an earlier dubarr had and this one replaced, with what to write instead. A config file
 * (or DUBARR_ variable) written for the old version is refused with this, not with a bare
 * "unknown key", so the user learns the new name from the error.
 */
export const RENAMED_KEYS: ReadonlyArray<{ key: string; env?: string; why: string }> = [
  {
    key: 'watch.stableMs', env: 'DUBARR_WATCH_STABLE_MS',
    why: 'replaced by watch.folders[].stabilitySeconds, in seconds and per folder (stableMs: 5000 -> stabilitySeconds: 5 on each folder)',
  },
];

/** The problem message for an unknown key at `path` that an earlier version had; undefined otherwise. */
export function renamedKeyMessage(path: readonly PropertyKey[]): string | undefined {
  // Items of a list count as one key: watch.folders[3].x is watch.folders[].x.
  const key = formatKeyPath(path).replace(/\[\d+\]/g, '[]');
  const found = RENAMED_KEYS.find((r) => r.key === key);
  return found && `unknown key: ${found.why}`;
}

/** The same for an unknown DUBARR_ variable. */
export function renamedEnvMessage(name: string): string | undefined {
  const found = RENAMED_KEYS.find((r) => r.env === name);
  return found && `unknown variable: ${found.key} was ${found.why}`;
}
