/**
 * What `npm run eval` scores on: the bundled sentences (eval-set.yaml, with translations), or a
 * folder of the user's own clips (--clips).
 *
 * A clips folder holds, per clip, files sharing a base name:
 *   asr: an audio (or video) file and `<name>.txt`, what is said in it;
 *   mt:  `<name>.<from>.txt` (source) and `<name>.<to>.txt` (reference translation);
 *   tts: `<name>.txt` (or `<name>.<lang>.txt`), the text to speak.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { repoRoot } from '../config/repo-root.js';

const EvalSet = z.object({
  sentences: z.array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/) }).catchall(z.string().min(1))).min(1),
});

/** One sentence in each language the set has it in: { id, en, es, ... }. */
export type Sentence = { id: string } & Record<string, string>;

export function bundledSentences(file = join(repoRoot(import.meta.url), 'core', 'eval', 'eval-set.yaml')): Sentence[] {
  return EvalSet.parse(parseYaml(readFileSync(file, 'utf8'))).sentences as Sentence[];
}

/** The bundled sentences that have every one of `languages`. */
export function sentencesIn(languages: readonly string[], all = bundledSentences()): Sentence[] {
  const have = all.filter((s) => languages.every((l) => typeof s[l] === 'string'));
  if (have.length === 0) {
    const known = [...new Set(all.flatMap((s) => Object.keys(s).filter((k) => k !== 'id')))].sort();
    throw new DubarrError('E_LANGUAGE_UNSUPPORTED', `the bundled eval set has no sentences in ${languages.join(' and ')} (it has ${known.join(', ')}); use --clips <dir> with your own`);
  }
  return have;
}

export interface AudioClip { id: string; media: string; reference: string }
export interface TextPair { id: string; source: string; reference: string }

const AUDIO = /\.(wav|flac|mp3|ogg|opus|m4a|aac|mka|mkv|mp4|webm)$/i;

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    throw new DubarrError('E_INPUT_NOT_FOUND', `cannot read the clips folder ${dir}: ${(e as Error).message}`);
  }
}

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').trim();

function nonEmpty<T>(clips: T[], dir: string, what: string): T[] {
  if (clips.length === 0) throw new DubarrError('E_INVALID_ARGUMENT', `${dir} has no clips: it needs ${what}`);
  return clips;
}

/** Audio files with a transcript beside them (`<name>.txt`); audio without one is skipped. */
export function audioClips(dir: string): AudioClip[] {
  const files = listDir(dir);
  const clips = files.filter((f) => AUDIO.test(f)).flatMap((f) => {
    const name = basename(f, extname(f));
    return files.includes(`${name}.txt`) ? [{ id: name, media: join(dir, f), reference: read(dir, `${name}.txt`) }] : [];
  });
  return nonEmpty(clips, dir, 'audio files each with a <name>.txt transcript beside it');
}

/** `<name>.<from>.txt` sources with `<name>.<to>.txt` references. */
export function textPairs(dir: string, from: string, to: string): TextPair[] {
  const files = listDir(dir);
  const pairs = files.filter((f) => f.endsWith(`.${from}.txt`)).flatMap((f) => {
    const name = f.slice(0, -`.${from}.txt`.length);
    return files.includes(`${name}.${to}.txt`) ? [{ id: name, source: read(dir, f), reference: read(dir, `${name}.${to}.txt`) }] : [];
  });
  return nonEmpty(pairs, dir, `<name>.${from}.txt sources each with a <name>.${to}.txt reference`);
}

/** Texts to speak: `<name>.<lang>.txt`, else `<name>.txt`. */
export function texts(dir: string, lang: string): Array<{ id: string; text: string }> {
  const files = listDir(dir);
  const tagged = files.filter((f) => f.endsWith(`.${lang}.txt`));
  const chosen = tagged.length ? tagged.map((f) => [f, f.slice(0, -`.${lang}.txt`.length)] as const)
    : files.filter((f) => f.endsWith('.txt') && !/\.[a-z]{2,3}\.txt$/.test(f)).map((f) => [f, f.slice(0, -4)] as const);
  return nonEmpty(chosen.map(([f, id]) => ({ id, text: read(dir, f) })), dir, `<name>.${lang}.txt (or <name>.txt) texts`);
}
