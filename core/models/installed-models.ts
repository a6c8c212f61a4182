/**
 * What models.dir holds: a folder per model id with its files and `dubarr-model.json` (written
 * by a pull after every checksum passed, or by hand for a model copied in). A folder without the
 * manifest is no model (openModel refuses it), and dot folders (`.partial`) are the manager's own.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { INSTALLED_MANIFEST, ModelEntry } from '../../plugins/sdk/models.js';

export type InstalledState =
  | { kind: 'installed'; entry: ModelEntry }
  /** A manifest that does not parse or validate: the folder is no usable model. */
  | { kind: 'invalid'; reason: string }
  /** A folder of that name without a manifest (a copy under way, or something else). */
  | { kind: 'no-manifest' }
  | { kind: 'absent' };

export async function installedState(modelsDir: string, id: string): Promise<InstalledState> {
  const dir = join(modelsDir, id);
  let raw: string;
  try {
    raw = await readFile(join(dir, INSTALLED_MANIFEST), 'utf8');
  } catch {
    return (await stat(dir).catch(() => undefined))?.isDirectory() ? { kind: 'no-manifest' } : { kind: 'absent' };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    return { kind: 'invalid', reason: `${INSTALLED_MANIFEST} is not JSON: ${(e as Error).message}` };
  }
  const parsed = ModelEntry.safeParse(json);
  return parsed.success ? { kind: 'installed', entry: parsed.data } : { kind: 'invalid', reason: `${INSTALLED_MANIFEST} is not a valid model entry: ${parsed.error.issues[0]?.message ?? ''}` };
}

/** Every model folder's state, by folder name (the id config and presets use), in name order. */
export async function listInstalled(modelsDir: string): Promise<Array<{ id: string; state: InstalledState }>> {
  const entries = await readdir(modelsDir, { withFileTypes: true }).catch(() => []);
  const ids = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  return Promise.all(ids.map(async (id) => ({ id, state: await installedState(modelsDir, id) })));
}

/** The same files with the same contents (what a catalogue update changes). */
export function sameFiles(a: ModelEntry, b: ModelEntry): boolean {
  const key = (m: ModelEntry) => m.files.map((f) => `${f.path}\0${f.sha256}`).sort().join('\n');
  return key(a) === key(b);
}
