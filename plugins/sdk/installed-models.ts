/**
 * The models installed in models.dir for a provider: every folder whose dubarr-model.json is a
 * valid entry of that provider (a folder without one is a download in progress or a stray).
 * Providers with a model per voice (Piper) use it to find the voices of a language.
 */
import { readdir } from 'node:fs/promises';
import { modelsDir, openModel, type InstalledModel, type ModelTask } from './models.js';

export async function installedModels(want: { provider: string; task?: ModelTask }): Promise<InstalledModel[]> {
  let names: string[];
  try {
    names = (await readdir(modelsDir(), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
  const found = await Promise.all(names.map((id) => openModel(id, want).catch(() => undefined)));
  return found.filter((m): m is InstalledModel => m !== undefined);
}
