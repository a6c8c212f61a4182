/**
 * The models installed in models.dir, read from their manifests: what a provider that runs one
 * model per language pair (marian) chooses from. Only manifests are read, so it is quick enough
 * for `available()`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INSTALLED_MANIFEST, ModelEntry, modelsDir, type InstalledModel } from './models.js';

export async function installedModels(filter: { provider?: string } = {}, root = modelsDir()): Promise<InstalledModel[]> {
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    return [];
  }
  const found = await Promise.all(names.map(async (name): Promise<InstalledModel | undefined> => {
    const dir = join(root, name);
    try {
      const entry = ModelEntry.parse(JSON.parse(await readFile(join(dir, INSTALLED_MANIFEST), 'utf8')));
      if (filter.provider && entry.provider !== filter.provider) return undefined;
      return { id: entry.id, dir, entry, file: (p) => join(dir, p) };
    } catch {
      return undefined; // not a model folder, or one still being pulled (its manifest comes last)
    }
  }));
  return found.filter((m): m is InstalledModel => m !== undefined);
}
