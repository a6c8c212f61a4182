/**
 * What a translation depends on besides the text and options: the mode the job's languages
 * pick (a shell pipeline in <dataDir>/modes/<name>.mode), every data file it names and every
 * program it runs. Keyed per mode, an upgrade of apertium-eng-cat re-translates Catalan and
 * leaves cached Spanish translations alone; an lttoolbox upgrade (lt-proc runs in every mode)
 * re-translates everything.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { engineFileFingerprint, executableFingerprint, languageCode, type EngineFingerprint, type StageLanguages } from '../sdk/index.js';
import { findMode, type ApertiumMode } from './modes.js';

/** The modes a step with these languages may run: the one findMode picks, or every candidate when a language is not known yet. */
export function modesFor(modes: readonly ApertiumMode[], l: StageLanguages): ApertiumMode[] {
  if (l.sourceLanguage && l.targetLanguage) {
    const m = findMode(modes, l.sourceLanguage, l.targetLanguage);
    return m ? [m] : [];
  }
  const from = languageCode(l.sourceLanguage);
  const to = languageCode(l.targetLanguage);
  return modes.filter((m) => (!from || m.from === from) && (!to || m.to === to));
}

/** Programs (first word of each pipeline command) and absolute paths named in a mode file. */
export function parseModeFile(text: string): { programs: string[]; files: string[] } {
  const programs = new Set<string>();
  const files = new Set<string>();
  for (const command of text.split('|')) {
    const words = command.trim().match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
    if (words[0]) programs.add(words[0].replace(/^['"]|['"]$/g, ''));
    for (const w of words.slice(1)) {
      const word = w.replace(/^['"]|['"]$/g, '');
      if (word.startsWith('/')) files.add(word);
    }
  }
  return { programs: [...programs].sort(), files: [...files].sort() };
}

async function modeFingerprint(mode: ApertiumMode): Promise<string> {
  const text = await readFile(join(mode.dataDir, 'modes', `${mode.name}.mode`), 'utf8');
  const { programs, files } = parseModeFile(text);
  const h = createHash('sha256').update(text);
  for (const p of programs) h.update(`\nprogram ${p} ${await executableFingerprint(p)}`);
  for (const f of files) h.update(`\nfile ${f} ${await engineFileFingerprint(f).catch(() => 'missing')}`);
  return h.digest('hex').slice(0, 32);
}

/** apertium's version and launcher (the script that runs a mode), and each mode the step may run. */
export async function pairEngine(binary: string, version: string, modes: readonly ApertiumMode[], l: StageLanguages): Promise<EngineFingerprint> {
  const out: Record<string, string> = { apertium: version, launcher: await executableFingerprint(binary) };
  for (const m of modesFor(modes, l)) out[`mode:${m.name}`] = await modeFingerprint(m);
  return out;
}
