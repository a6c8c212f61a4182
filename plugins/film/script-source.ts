/**
 * The script file as its author writes it (YAML, or Markdown with YAML front matter), before it
 * is checked: the raw shape, and where each part of it sits in the file so a problem is named
 * by its line. See the README's "Film and podcast presets" for the format.
 */
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { z } from 'zod';
import { DubarrError } from '../sdk/index.js';

const words = z.string().trim().min(1);

export const RawLine = z.strictObject({
  character: words.optional(),
  /** The podcast's word for the same thing. */
  speaker: words.optional(),
  text: words,
  translations: z.record(z.string(), words).optional(),
});

export const RawScene = z.strictObject({
  title: words.optional(),
  prompt: words.optional(),
  image: words.optional(),
  /** The shortest the scene lasts, in seconds. */
  seconds: z.number().positive().max(3600).optional(),
  lines: z.array(RawLine).default([]),
});

export const RawCharacter = z.strictObject({
  name: words,
  gender: z.enum(['female', 'male']).optional(),
  age: z.enum(['child', 'young', 'adult', 'old']).optional(),
  voice: words.optional(),
  colour: z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour such as '#3a7bd5'").optional(),
});

export const RawScript = z.strictObject({
  title: words,
  language: words,
  characters: z.array(RawCharacter).optional(),
  speakers: z.array(RawCharacter).optional(),
  scenes: z.array(RawScene).optional(),
  sections: z.array(RawScene).optional(),
  music: z.union([z.literal(false), z.strictObject({
    prompt: words.optional(),
    loudnessLufs: z.number().min(-70).max(-5).optional(),
  })]).optional(),
});
export type RawScript = z.infer<typeof RawScript>;

/** A script's content, and the line in the file of a path into it (the nearest part that has one). */
export interface ScriptSource {
  value: unknown;
  lineOf(path: ReadonlyArray<string | number>): number;
}

export function scriptError(file: string, line: number, message: string): DubarrError {
  return new DubarrError('E_SCRIPT_INVALID', `${file}, line ${line}: ${message}`, { details: { file, line } });
}

function fromYamlText(text: string, file: string, firstLine: number): ScriptSource {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const bad = doc.errors[0];
  if (bad) throw scriptError(file, counter.linePos(bad.pos[0]).line + firstLine - 1, `not valid YAML: ${bad.message.split('\n')[0]}`);
  return {
    value: doc.toJS(),
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
        if (node && (node.range || isMap(node) || isSeq(node)) && node.range) return counter.linePos(node.range[0]).line + firstLine - 1;
      }
      return firstLine;
    },
  };
}

export function readYamlScript(text: string, file: string): ScriptSource {
  return fromYamlText(text, file, 1);
}

/** The lines of a Markdown script that say `Name: text`, and the `lang: text` translations under one. */
const SPOKEN = /^([^\s:#>*`-][^:]{0,60}?):\s+(.+)$/u;
const TRANSLATION = /^\s+([a-z]{2,3}(?:-[A-Za-z]{2})?):\s+(.+)$/u;
const SCENE_KEYS = new Set(['prompt', 'image', 'seconds']);

/**
 * Markdown: YAML front matter (title, language, characters, music) between `---` lines, then
 * a `## Heading` per scene (a film's scene title, a podcast's section and chapter), under it
 * optional `prompt:`, `image:` and `seconds:` lines and the spoken lines `Name: text`, each
 * followed by indented `es: ...` lines for its translations. Other text is an error, so a
 * typo never goes unspoken without a word.
 */
export function readMarkdownScript(text: string, file: string): ScriptSource {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== '---') throw scriptError(file, 1, "a Markdown script starts with YAML front matter between '---' lines (title, language, characters)");
  const close = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (close < 0) throw scriptError(file, 1, "the front matter is never closed by a '---' line");
  const front = fromYamlText(lines.slice(1, close).join('\n'), file, 2);
  const head = (front.value ?? {}) as Record<string, unknown>;
  if (typeof head !== 'object' || Array.isArray(head)) throw scriptError(file, 2, 'the front matter must be YAML keys (title, language, characters)');
  if (head.scenes !== undefined || head.sections !== undefined) throw scriptError(file, 2, "in a Markdown script scenes are '## ' headings, not front matter");
  const where = new Map<string, number>();
  const scenes: Array<Record<string, unknown> & { lines: Array<Record<string, unknown>> }> = [];
  for (let i = close + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    const at = i + 1;
    const line = raw.trim();
    if (!line || line.startsWith('<!--')) continue;
    const heading = /^##\s+(.+)$/.exec(line);
    if (heading) {
      scenes.push({ title: heading[1]!.trim(), lines: [] });
      where.set(`scenes.${scenes.length - 1}`, at);
      continue;
    }
    const scene = scenes.at(-1);
    if (!scene) {
      if (/^#\s/.test(line)) continue;
      throw scriptError(file, at, "text before the first '## ' scene heading; start a scene with '## <title>'");
    }
    const k = scenes.length - 1;
    const translation = TRANSLATION.exec(raw);
    if (translation && scene.lines.length && /^\s/.test(raw)) {
      const last = scene.lines.at(-1)!;
      const tr = (last.translations ??= {}) as Record<string, string>;
      tr[translation[1]!] = translation[2]!.trim();
      where.set(`scenes.${k}.lines.${scene.lines.length - 1}.translations.${translation[1]}`, at);
      continue;
    }
    const spoken = SPOKEN.exec(line);
    if (!spoken) throw scriptError(file, at, "a spoken line is 'Name: text' (or 'prompt:', 'image:', 'seconds:' under a scene heading)");
    const key = spoken[1]!.trim();
    if (SCENE_KEYS.has(key.toLowerCase())) {
      const v = spoken[2]!.trim();
      scene[key.toLowerCase()] = key.toLowerCase() === 'seconds' && Number.isFinite(Number(v)) ? Number(v) : v;
      where.set(`scenes.${k}.${key.toLowerCase()}`, at);
      continue;
    }
    scene.lines.push({ character: key.replace(/^\*\*|\*\*$/g, ''), text: spoken[2]!.trim() });
    where.set(`scenes.${k}.lines.${scene.lines.length - 1}`, at);
  }
  return {
    value: { ...head, scenes },
    lineOf(path) {
      if (path[0] !== 'scenes') return front.lineOf(path);
      for (let n = path.length; n >= 1; n--) {
        const hit = where.get(path.slice(0, n).join('.'));
        if (hit !== undefined) return hit;
      }
      return close + 2;
    },
  };
}
