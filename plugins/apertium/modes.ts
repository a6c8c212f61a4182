/**
 * Installed translation directions. `apertium -l` on Debian 12 (apertium 3.8) prints one
 * line per *.mode file of <datadir>/modes, so reading those folders is the same list without
 * a process. Names are '<src>-<tgt>' with ISO 639-3 codes on newer pairs (eng-spa) and 639-1
 * on older ones (en-gl, eo-en), optionally with a variant after '_' on either side
 * (eng-cat_valencia, spa-eng_US, hbs_HR-eng). Debug modes (eng-spa-morph) are not directions.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { lookupLanguage } from '../sdk/index.js';

export interface ApertiumMode {
  /** The direction as apertium names it: 'eng-cat_valencia'. */
  name: string;
  /** dubarr language codes (ISO 639-1 where one exists). */
  from: string;
  to: string;
  fromVariant?: string;
  toVariant?: string;
  /** What `apertium -d` needs: the folder holding modes/. */
  dataDir: string;
}

export const INSTALLED_MODES_DIRS = ['/usr/share/apertium/modes', '/usr/local/share/apertium/modes'];

const MODE_NAME = /^([a-z]{2,3})(?:_(\w+?))?-([a-z]{2,3})(?:_(\w+))?$/i;

export function parseModeName(name: string, dataDir: string): ApertiumMode | undefined {
  const m = MODE_NAME.exec(name);
  if (!m) return undefined;
  const [, from, fromVariant, to, toVariant] = m;
  return {
    name, dataDir,
    from: toCode(from!), to: toCode(to!),
    ...(fromVariant ? { fromVariant } : {}),
    ...(toVariant ? { toVariant } : {}),
  };
}

function toCode(code: string): string {
  return lookupLanguage(code)?.code || code.toLowerCase();
}

/** Modes in the given folder, or in the installed folders; a missing folder has none. */
export async function listModes(modesDir?: string): Promise<ApertiumMode[]> {
  const dirs = modesDir ? [modesDir] : INSTALLED_MODES_DIRS;
  const found = new Map<string, ApertiumMode>();
  for (const dir of dirs) {
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const f of files.filter((x) => x.endsWith('.mode')).sort()) {
      const mode = parseModeName(basename(f, '.mode'), dirname(resolve(dir)));
      // The first folder wins, like PATH: a pair built into /usr/share beats a stale copy.
      if (mode && !found.has(mode.name)) found.set(mode.name, mode);
    }
  }
  return [...found.values()];
}

/**
 * The mode for a job's languages. A region or variant on the language tag picks a variant
 * mode ('ca-valencia' -> eng-cat_valencia, 'en-US' -> spa-eng_US); otherwise the plain one.
 */
export function findMode(modes: readonly ApertiumMode[], source: string, target: string): ApertiumMode | undefined {
  const [from, fromVariant] = splitTag(source);
  const [to, toVariant] = splitTag(target);
  const candidates = modes.filter((m) => m.from === from && m.to === to);
  const score = (m: ApertiumMode) =>
    variantScore(m.fromVariant, fromVariant) + variantScore(m.toVariant, toVariant);
  return candidates.sort((a, b) => score(b) - score(a) || a.name.localeCompare(b.name))[0];
}

function splitTag(tag: string): [string, string | undefined] {
  const [base, ...rest] = tag.trim().split(/[-_]/);
  return [toCode(base!), rest.length ? rest.join('_').toLowerCase() : undefined];
}

function variantScore(modeVariant: string | undefined, wanted: string | undefined): number {
  if (!modeVariant) return 1;
  return wanted !== undefined && modeVariant.toLowerCase() === wanted ? 2 : 0;
}

/** The distinct language pairs the modes translate, for `languages.pairs`. */
export function installedPairs(modes: readonly ApertiumMode[]): Array<[string, string]> {
  const seen = new Map(modes.map((m) => [`${m.from}-${m.to}`, [m.from, m.to] as [string, string]]));
  return [...seen.values()].sort((a, b) => a.join('-').localeCompare(b.join('-')));
}
