/**
 * The job's glossary as a DeepL glossary, made once per (language pair, entries) and reused.
 *
 * DeepL's current glossary API is v3 (/v3/glossaries, "multilingual glossaries": a glossary
 * holds dictionaries, one per language pair; v2 is kept only for compatibility). Ours has one
 * dictionary. Its name carries a hash of the pair and the entries, so the same glossary is
 * found again by listing the account's glossaries when this machine has no record of it (a new
 * data dir, another dubarr on the same account); the id is also kept in the provider cache and
 * checked before use, since a glossary can be deleted in the vendor's console.
 *
 * A new glossary is used only once DeepL serves it: v3 returns no `ready` flag, so we read the
 * glossary back until it lists our dictionary (and, should a server still send v2's `ready`,
 * until that is true), a bounded number of times.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DubarrError } from '../sdk/errors.js';
import type { GlossaryEntry } from '../sdk/glossary.js';
import type { Logger } from '../sdk/plugin.js';
import type { ProviderResultCache } from '../sdk/provider-cache.js';
import type { DeeplClient } from './deepl-api.js';

interface GlossaryInfo {
  glossary_id?: unknown;
  name?: unknown;
  ready?: unknown;
  dictionaries?: Array<{ source_lang?: unknown; target_lang?: unknown; entry_count?: unknown }>;
}

export interface GlossaryPair {
  /** DeepL glossary languages are bare and lower case ('en', 'pt'): one dictionary serves every variant. */
  source: string;
  target: string;
}

const oneLine = (s: string) => s.replace(/\s+/gu, ' ').trim();

/** Tab-separated source and target, one entry a line; a kept term maps to itself. */
export function glossaryTsv(entries: readonly GlossaryEntry[]): string {
  return entries.map((e) => `${oneLine(e.term)}\t${oneLine(e.translation ?? e.term)}`).join('\n');
}

export function glossaryName(pair: GlossaryPair, tsv: string): string {
  const hash = createHash('sha256').update(`${pair.source}\n${pair.target}\n${tsv}`).digest('hex').slice(0, 20);
  return `dubarr ${pair.source}>${pair.target} ${hash}`;
}

export interface EnsureGlossary {
  api: DeeplClient;
  cache: ProviderResultCache;
  pair: GlossaryPair;
  entries: readonly GlossaryEntry[];
  pollMs: number;
  polls: number;
  signal: AbortSignal;
  log: Logger;
}

/** The id of a served DeepL glossary with exactly these entries for this pair. */
export async function ensureGlossary(g: EnsureGlossary): Promise<string> {
  const tsv = glossaryTsv(g.entries);
  const name = glossaryName(g.pair, tsv);
  const recordKey = { kind: 'glossary', text: tsv, voice: `${g.pair.source}>${g.pair.target}` };

  const recorded = (await g.cache.get(recordKey))?.toString('utf8');
  if (recorded) {
    const info = await readGlossary(g, recorded);
    if (info && served(info, g.pair)) return recorded;
    if (info) return waitServed(g, recorded, name);
    g.log.info({ glossary: name }, 'deepl: the recorded glossary is gone from the account; looking for it by name');
  }

  const listed = await g.api({ path: '/v3/glossaries', idempotent: true });
  const found = ((listed.json as { glossaries?: GlossaryInfo[] }).glossaries ?? [])
    .find((x) => x.name === name && typeof x.glossary_id === 'string' && hasDictionary(x, g.pair));
  let id = found?.glossary_id as string | undefined;
  if (!id) {
    const created = await g.api({
      path: '/v3/glossaries',
      idempotent: false,
      json: { name, dictionaries: [{ source_lang: g.pair.source, target_lang: g.pair.target, entries: tsv, entries_format: 'tsv' }] },
    });
    id = (created.json as GlossaryInfo).glossary_id as string;
    if (typeof id !== 'string' || !id) throw new DubarrError('E_PROVIDER_FAILED', 'deepl: the glossary was created but DeepL sent no glossary_id');
    g.log.info({ glossary: name, entries: g.entries.length }, 'deepl: created the job\'s glossary');
  }
  await waitServed(g, id, name);
  await g.cache.put(recordKey, id);
  return id;
}

async function readGlossary(g: EnsureGlossary, id: string): Promise<GlossaryInfo | undefined> {
  const res = await g.api({ path: `/v3/glossaries/${encodeURIComponent(id)}`, idempotent: true, acceptStatus: (s) => s === 404 });
  return res.status === 404 ? undefined : (res.json as GlossaryInfo);
}

function hasDictionary(info: GlossaryInfo, pair: GlossaryPair): boolean {
  return (info.dictionaries ?? []).some((d) => String(d.source_lang).toLowerCase() === pair.source && String(d.target_lang).toLowerCase() === pair.target);
}

const served = (info: GlossaryInfo, pair: GlossaryPair) => info.ready !== false && hasDictionary(info, pair);

async function waitServed(g: EnsureGlossary, id: string, name: string): Promise<string> {
  for (let check = 1; check <= g.polls; check++) {
    const info = await readGlossary(g, id);
    if (info && served(info, g.pair)) return id;
    if (check < g.polls) {
      try {
        await sleep(g.pollMs, undefined, { signal: g.signal });
      } catch {
        throw new DubarrError('E_CANCELLED', 'Cancelled');
      }
    }
  }
  throw new DubarrError('E_PROVIDER_FAILED', `deepl: the glossary '${name}' was not ready after ${g.polls} checks; the job retries later (or raise plugins.options.deepl.glossaryPolls)`);
}
