/**
 * A script file into the Script document every later step reads: parsed (YAML or Markdown),
 * checked against the format, then against itself (every line's speaker is a character, every
 * image exists, every language is one), each problem an E_SCRIPT_INVALID naming its line.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { DubarrError, lookupLanguage, type Script } from '../sdk/index.js';
import { RawScript, readMarkdownScript, readYamlScript, scriptError, type ScriptSource } from './script-source.js';

/** Colours given to characters the script gives none, in order: distinct on a dark card. */
const PALETTE = ['#e4572e', '#17bebb', '#ffc914', '#76b041', '#a05fd1', '#2e86de', '#f06292', '#8d6e63'];

export const SCRIPT_EXTENSIONS = ['.yaml', '.yml', '.md', '.markdown'];

export async function readScriptFile(file: string, defaults: { musicPrompt: string }): Promise<Script> {
  const ext = extname(file).toLowerCase();
  if (!SCRIPT_EXTENSIONS.includes(ext)) {
    throw new DubarrError('E_SCRIPT_INVALID', `${file} is not a script: the film and podcast presets read a .yaml or .md script (see "Film and podcast presets" in the README)`);
  }
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    throw new DubarrError('E_INPUT_NOT_FOUND', `Cannot read the script ${file} (${(e as Error).message})`);
  });
  const source = ext === '.md' || ext === '.markdown' ? readMarkdownScript(text, file) : readYamlScript(text, file);
  return checkScript(source, file, defaults);
}

export function checkScript(source: ScriptSource, file: string, defaults: { musicPrompt: string }): Script {
  const parsed = RawScript.safeParse(source.value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const name = path.length ? path.join('.') : 'the script';
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    throw scriptError(file, source.lineOf(path), `${name}: ${issue.message}${keys}`);
  }
  const raw = parsed.data;
  const err = (path: Array<string | number>, message: string) => scriptError(file, source.lineOf(path), message);
  const scenesKey = raw.scenes ? 'scenes' : 'sections';
  const castKey = raw.characters ? 'characters' : 'speakers';
  if (raw.scenes && raw.sections) throw err(['sections'], "give 'scenes' or 'sections', not both");
  if (raw.characters && raw.speakers) throw err(['speakers'], "give 'characters' or 'speakers', not both");
  const rawScenes = raw.scenes ?? raw.sections ?? [];
  if (rawScenes.length === 0) throw err([scenesKey], 'the script has no scenes (YAML: scenes: [...]; Markdown: a ## heading per scene)');
  const language = lookupLanguage(raw.language);
  if (!language) throw err(['language'], `'${raw.language}' is not a language: use an ISO 639 code such as 'en'`);

  const cast = raw.characters ?? raw.speakers ?? [];
  const names = new Set<string>();
  const characters = cast.map((c, i) => {
    if (names.has(c.name)) throw err([castKey, i, 'name'], `the character '${c.name}' is listed twice`);
    names.add(c.name);
    return { ...c, colour: (c.colour ?? PALETTE[i % PALETTE.length]!).toLowerCase() };
  });

  let n = 0;
  const scenes = rawScenes.map((s, i) => {
    const at = [scenesKey, i];
    const lines = s.lines.map((l, j) => {
      const who = l.character ?? l.speaker;
      const path = [...at, 'lines', j];
      if (!who) throw err(path, "the line names no character ('character: <name>')");
      if (!names.has(who)) throw err(path, `'${who}' is not among the characters (${[...names].join(', ') || 'none listed'}); add them to ${castKey} or fix the name`);
      const translations: Record<string, string> = {};
      for (const [lang, text] of Object.entries(l.translations ?? {})) {
        const code = lookupLanguage(lang)?.code;
        if (!code) throw err([...path, 'translations', lang], `'${lang}' is not a language code`);
        translations[code] = text;
      }
      return { id: `l${++n}`, character: who, text: l.text, translations, sourceLine: source.lineOf(path) };
    });
    let image: string | undefined;
    if (s.image) {
      image = isAbsolute(s.image) ? s.image : resolve(dirname(file), s.image);
      if (!existsSync(image) || !statSync(image).isFile()) throw err([...at, 'image'], `the image ${image} does not exist`);
    }
    return {
      id: `scene-${i + 1}`, title: s.title, prompt: s.prompt, image, lines,
      minDurationMs: Math.round((s.seconds ?? 0) * 1000), sourceLine: source.lineOf(at),
    };
  });
  if (n === 0 && scenes.every((s) => s.minDurationMs === 0)) throw err([scenesKey], "nothing is said and no scene has 'seconds': the video would be empty");
  const music = raw.music === false
    ? { prompt: '', enabled: false }
    : { prompt: raw.music?.prompt ?? defaults.musicPrompt, loudnessLufs: raw.music?.loudnessLufs, enabled: true };
  return { title: raw.title, language: language.code, characters, scenes, music };
}
