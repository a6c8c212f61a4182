/**
 * `npm run bench -- langid`: text language identification on subtitle-like dialogue in en, es,
 * ca, pt, de, fr, it — one line at a time (what a cue holds), apertium's es/ca translations of
 * the English lines, four lines together, and a whole file — for the identifier dubarr ships
 * (eld, 'small' table) and every other candidate installed; then how well the source-language
 * step's confidence (plugins/sdk/text-language.ts) separates right from wrong at the default
 * threshold. Candidates not in package.json are compared when installed by hand:
 *   npm install --no-save tinyld franc franc-min cld3-asm lande languagedetect
 * (`npm ci`, which setup runs when the lock file changes, removes them again).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { languageCode } from '../../plugins/sdk/languages.js';
import { identifyTextLanguage } from '../../plugins/sdk/text-language.js';
import { LINES } from './langid.lib.lines.js';

const run = promisify(execFile);
type Identify = (text: string) => string | undefined;
interface Candidate { name: string; pkg: string; load(): Promise<Identify> }

// Each library has its own result shape; the adapters below read what they need.
const dynamic = (name: string): Promise<any> => import(name);
const CANDIDATES: Candidate[] = [
  ...['small', 'extrasmall', 'medium', 'large'].map((size) => ({
    name: `eld/${size}`, pkg: 'eld',
    load: async () => { const eld = (await dynamic(`eld/${size}`)).default; return (t: string) => eld.detect(t).language || undefined; },
  })),
  { name: 'tinyld', pkg: 'tinyld', load: async () => { const m = await dynamic('tinyld'); return (t) => m.detect(t) || undefined; } },
  { name: 'tinyld/heavy', pkg: 'tinyld', load: async () => { const m = await dynamic('tinyld/heavy'); return (t) => m.detect(t) || undefined; } },
  { name: 'franc', pkg: 'franc', load: async () => { const m = await dynamic('franc'); return (t) => m.franc(t, { minLength: 1 }); } },
  { name: 'franc-min', pkg: 'franc-min', load: async () => { const m = await dynamic('franc-min'); return (t) => m.franc(t, { minLength: 1 }); } },
  {
    name: 'cld3-asm', pkg: 'cld3-asm',
    load: async () => { const f = await (await dynamic('cld3-asm')).loadModule(); const id = f.create(0, 1000); return (t) => id.findLanguage(t).language; },
  },
  { name: 'lande', pkg: 'lande', load: async () => { const lande = (await dynamic('lande')).default; return (t) => lande(t)[0]?.[0]; } },
  {
    name: 'languagedetect', pkg: 'languagedetect',
    load: async () => { const LD = (await dynamic('languagedetect')).default; const d = new LD(); d.setLanguageType('iso2'); return (t) => d.detect(t, 1)[0]?.[0]; },
  },
];

type Sample = [language: string, text: string];

async function apertiumLines(mode: string, lang: string, dir: string): Promise<Sample[]> {
  const file = join(dir, 'en.txt');
  await writeFile(file, `${LINES.en!.join('\n')}\n`);
  // The apertium launcher reads its input by file name (see plugins/apertium/apertium-process.ts).
  const { stdout } = await run('apertium', ['-u', mode, file]);
  return stdout.trim().split('\n').map((l) => [lang, l.trim()]);
}

async function sampleSets(): Promise<Record<string, Sample[]>> {
  const sets: Record<string, Sample[]> = { line: [], apertium: [], lines4: [], file: [] };
  for (const [lang, lines] of Object.entries(LINES)) {
    for (const l of lines) sets.line!.push([lang, l]);
    for (let i = 0; i + 4 <= lines.length; i += 4) sets.lines4!.push([lang, lines.slice(i, i + 4).join(' ')]);
    sets.file!.push([lang, lines.join('\n')]);
  }
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bench-langid-'));
  try {
    sets.apertium!.push(...await apertiumLines('eng-spa', 'es', dir), ...await apertiumLines('eng-cat', 'ca', dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return sets;
}

async function packageSize(pkg: string): Promise<number> {
  const walk = async (p: string): Promise<number> => {
    const st = await stat(p);
    if (!st.isDirectory()) return st.size;
    let n = 0;
    for (const e of await readdir(p)) n += await walk(join(p, e));
    return n;
  };
  return walk(join(fileURLToPath(new URL('../../../node_modules/', import.meta.url)), pkg));
}

interface Row { name: string; accuracy: Record<string, number>; usPerLine: number; loadMs: number; sizeMb: number }

async function measure(c: Candidate, sets: Record<string, Sample[]>): Promise<Row | string> {
  const t0 = performance.now();
  let identify: Identify;
  try {
    identify = await c.load();
  } catch {
    return `${c.name.padEnd(15)} not installed (npm install --no-save ${c.pkg})`;
  }
  const loadMs = performance.now() - t0;
  const accuracy: Record<string, number> = {};
  for (const [set, samples] of Object.entries(sets)) {
    accuracy[set] = samples.filter(([lang, text]) => languageCode(identify(text)) === lang).length / samples.length;
  }
  const lines = sets.line!;
  const t1 = performance.now();
  for (let r = 0; r < 5; r++) for (const [, text] of lines) identify(text);
  const usPerLine = ((performance.now() - t1) * 1000) / (lines.length * 5);
  return { name: c.name, accuracy, usPerLine, loadMs, sizeMb: (await packageSize(c.pkg)) / 1e6 };
}

/**
 * The shipped identifier's confidence on windows of k consecutive lines of one language, and on
 * windows mixing two: how often it is sure enough (>= threshold) to overrule a tag, and how
 * often it is right when it is.
 */
async function calibration(threshold: number): Promise<{ precision: number; coverage: Record<number, number>; mixedOverrules: number }> {
  let sure = 0;
  let right = 0;
  const coverage: Record<number, number> = {};
  for (const k of [1, 2, 4, 8]) {
    let windows = 0;
    let confident = 0;
    for (const [lang, lines] of Object.entries(LINES)) {
      for (let i = 0; i + k <= lines.length; i += k) {
        const g = await identifyTextLanguage(lines.slice(i, i + k));
        windows++;
        if (g.confidence >= threshold) { confident++; sure++; if (g.language === lang) right++; }
      }
    }
    coverage[k] = confident / windows;
  }
  // Half one language, half another: never "sure".
  let mixedOverrules = 0;
  const langs = Object.keys(LINES);
  for (let a = 0; a < langs.length; a++) {
    const b = (a + 1) % langs.length;
    const g = await identifyTextLanguage([...LINES[langs[a]!]!.slice(0, 8), ...LINES[langs[b]!]!.slice(8, 16)]);
    if (g.confidence >= threshold) mixedOverrules++;
  }
  return { precision: sure ? right / sure : 1, coverage, mixedOverrules };
}

export default async function bench(): Promise<void> {
  const sets = await sampleSets();
  console.log(`samples: ${Object.entries(sets).map(([k, v]) => `${k} ${v.length}`).join(', ')} (${Object.keys(LINES).join(' ')})`);
  const rows: Row[] = [];
  for (const c of CANDIDATES) {
    const r = await measure(c, sets);
    if (typeof r === 'string') { console.log(r); continue; }
    rows.push(r);
    const acc = Object.entries(r.accuracy).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join('  ');
    console.log(`${r.name.padEnd(15)} ${acc}  ${r.usPerLine.toFixed(0)} us/line  load ${r.loadMs.toFixed(0)} ms  package ${r.sizeMb.toFixed(1)} MB`);
  }
  const threshold = 0.8;
  const cal = await calibration(threshold);
  console.log(`shipped confidence at ${threshold}: precision ${cal.precision.toFixed(3)}; sure enough to overrule a tag with 1/2/4/8 lines: `
    + `${[1, 2, 4, 8].map((k) => `${(cal.coverage[k]! * 100).toFixed(0)}%`).join('/')}; two-language mixes overruling: ${cal.mixedOverrules}/${Object.keys(LINES).length}`);
  const eld = rows.find((r) => r.name === 'eld/small')!;
  const best = rows.filter((r) => !r.name.startsWith('eld')).sort((a, b) => b.accuracy.line! - a.accuracy.line!)[0];
  console.log(`RESULT langid eld_small_line=${eld.accuracy.line!.toFixed(3)} eld_small_apertium=${eld.accuracy.apertium!.toFixed(3)} `
    + `eld_small_file=${eld.accuracy.file!.toFixed(3)} eld_small_us_per_line=${eld.usPerLine.toFixed(0)} eld_small_load_ms=${eld.loadMs.toFixed(0)} `
    + `best_other_library=${best?.name ?? 'none'} best_other_line=${best?.accuracy.line!.toFixed(3) ?? 'na'} `
    + `override_precision=${cal.precision.toFixed(3)} override_coverage_4_lines=${cal.coverage[4]!.toFixed(2)} mixed_overrules=${cal.mixedOverrules}`);
}
