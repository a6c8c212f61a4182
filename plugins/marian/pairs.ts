/**
 * Which installed opus-mt model translates which pair. An opus-mt model is one direction of one
 * pair (opus-mt-en-es: English to Spanish), named by its catalogue entry's `pairs` (ISO 639-1);
 * a multi-target one (opus-mt-en-ROMANCE) lists several and is told the target by a >>xx<<
 * token before the text.
 */
import { DubarrError } from '../sdk/errors.js';
import { installedModels } from '../sdk/installed-models.js';
import { lookupLanguage } from '../sdk/languages.js';
import { catalogueEntry, modelInstalled, openModel, readCatalogue, type InstalledModel, type ModelEntry } from '../sdk/models.js';
import type { MarianOptions } from './options.js';

/** The model a user would pull first. */
export const FIRST_MODEL = 'opus-mt-en-es';

export function entryPairs(entry: ModelEntry): Array<[string, string]> {
  const code = (tag: string) => lookupLanguage(tag)?.code ?? tag;
  if (entry.pairs?.length) return entry.pairs.map(([a, b]) => [code(a), code(b)]);
  // Without `pairs`, the id says it: opus-mt-<src>-<tgt>.
  const m = /^opus-mt-([a-z]{2,3})-([a-z]{2,3})$/.exec(entry.id);
  return m ? [[code(m[1]!), code(m[2]!)]] : [];
}

/** The opus-mt models this configuration may use. */
export async function candidateModels(options: MarianOptions): Promise<InstalledModel[]> {
  if (options.model) return (await modelInstalled(options.model)) ? [await openModel(options.model, { task: 'mt', provider: 'marian' })] : [];
  return installedModels({ provider: 'marian' });
}

export async function modelForPair(options: MarianOptions, source: string, target: string): Promise<InstalledModel> {
  const models = await candidateModels(options);
  const fits = models.find((m) => entryPairs(m.entry).some(([a, b]) => a === source && b === target));
  if (fits) return fits;
  if (options.model && models.length === 0) await openModel(options.model, { task: 'mt', provider: 'marian' }); // throws E_MODEL_MISSING with the pull command
  const have = models.flatMap((m) => entryPairs(m.entry).map(([a, b]) => `${a}->${b}`));
  throw new DubarrError('E_NO_PROVIDER', `no installed opus-mt model translates ${source}->${target} (installed: ${have.join(', ') || 'none'}); ${pullHint(source, target)}`,
    { details: { source, target } });
}

/** What to pull for a pair. */
export function pullHint(source: string | undefined, target: string | undefined): string {
  const id = source && target ? `opus-mt-${source}-${target}` : undefined;
  if (id && catalogueEntry(id)) return `dubarr models pull ${id}`;
  const listed = readCatalogue().filter((e) => e.provider === 'marian'
    && entryPairs(e).some(([a, b]) => (!source || a === source) && (!target || b === target)));
  if (listed.length) return `dubarr models pull ${listed[0]!.id}`;
  return 'the catalogue has no opus-mt model for it (dubarr models list); NLLB translates between 200 languages: dubarr models pull nllb-200-distilled-600m';
}
