import { stringify } from 'yaml';
import type { Config } from './schema.js';
import { maskSecrets } from './secret-keys.js';

/** The effective config as YAML, for `dubarr config print`; credentials are masked. */
export function renderConfig(config: Config): string {
  return stringify(maskSecrets(config), { lineWidth: 0 });
}
