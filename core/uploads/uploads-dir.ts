import { join } from 'node:path';
import type { Config } from '../config/schema.js';

/** Where tus uploads live: `<dataDir>/uploads` (the file `<id>` and its metadata `<id>.json`). */
export function uploadsDir(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'uploads');
}
