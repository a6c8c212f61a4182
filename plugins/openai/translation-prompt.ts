/**
 * What the chat model is asked, and how its answer is checked. One request translates a window
 * of lines; the lines around it come along as context, the glossary as rules, and each line
 * carries its syllable budget. The answer must be {"lines":[{"id","text"}]} with every id of
 * the window once, no other id, no empty text: anything else is named precisely, so the one
 * corrective request can say what to fix.
 */
import { z } from 'zod';
import type { GlossaryEntry } from '../sdk/glossary.js';
import type { Language } from '../sdk/languages.js';

/** Bumped when the wording changes what models answer, so cached windows are asked again. */
export const PROMPT_VERSION = 1;

export interface WindowLine { id: string; text: string; maxSyllables: number }

export interface TranslationWindow {
  lines: WindowLine[];
  before: string[];
  after: string[];
  /** Glossary entries whose term occurs in the window's lines. */
  glossary: GlossaryEntry[];
}

export interface ChatMessage { role: 'system' | 'user' | 'assistant'; content: string }

export function systemPrompt(source: Language, target: Language): string {
  return [
    `You translate film and TV dialogue from ${source.name} to ${target.name} for dubbing.`,
    'Each line will be spoken by a voice actor in the time the original line took, so each translation must fit its "max_syllables": count the syllables as spoken and stay at or under the budget, shortening or rephrasing when needed while keeping the meaning, tone and register.',
    'Translate every line on its own: never merge lines or move words between lines. The "context_before" and "context_after" lines are for understanding only; do not translate them.',
    'Follow the glossary exactly: a term with a "translation" is always written as that translation; a term without one is kept exactly as written.',
    'Answer with JSON only, no commentary, in this form: {"lines":[{"id":"<id>","text":"<translation>"}]}, one entry per line, with the same ids.',
  ].join('\n');
}

export function userPrompt(w: TranslationWindow): string {
  return JSON.stringify({
    ...(w.glossary.length ? { glossary: w.glossary.map((g) => (g.translation ? { term: g.term, translation: g.translation } : { term: g.term, keep: true })) } : {}),
    context_before: w.before,
    lines: w.lines.map((l) => ({ id: l.id, text: l.text, max_syllables: l.maxSyllables })),
    context_after: w.after,
  });
}

/** The corrective follow-up after an unusable answer. */
export function correctionPrompt(problems: readonly string[], w: TranslationWindow): string {
  return `Your answer could not be used: ${problems.join('; ')}. Answer again with JSON only: {"lines":[...]} with exactly one entry for each of these ids: ${w.lines.map((l) => JSON.stringify(l.id)).join(', ')}, each with a non-empty "text".`;
}

/** The JSON schema for servers that take response_format json_schema (LM Studio). */
export const ANSWER_JSON_SCHEMA = {
  name: 'translated_lines',
  strict: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['lines'],
    properties: {
      lines: {
        type: 'array',
        items: { type: 'object', additionalProperties: false, required: ['id', 'text'], properties: { id: { type: 'string' }, text: { type: 'string' } } },
      },
    },
  },
};

const Answer = z.object({
  lines: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String), text: z.string() })),
});

export type CheckedAnswer = { ok: true; texts: Map<string, string> } | { ok: false; problems: string[] };

/** Reads the model's content: JSON (in a ``` fence or not) of the answer shape, every id once. */
export function checkAnswer(content: string | null | undefined, w: TranslationWindow): CheckedAnswer {
  if (!content || !content.trim()) return { ok: false, problems: ['the answer was empty'] };
  const unfenced = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let json: unknown;
  try {
    json = JSON.parse(unfenced);
  } catch {
    return { ok: false, problems: ['the answer was not valid JSON'] };
  }
  const parsed = Answer.safeParse(json);
  if (!parsed.success) return { ok: false, problems: ['the answer was not of the form {"lines":[{"id":"...","text":"..."}]}'] };
  const wanted = new Set(w.lines.map((l) => l.id));
  const seen = new Map<string, number>();
  for (const l of parsed.data.lines) seen.set(l.id, (seen.get(l.id) ?? 0) + 1);
  const problems: string[] = [];
  const missing = [...wanted].filter((id) => !seen.has(id));
  const extra = [...seen.keys()].filter((id) => !wanted.has(id));
  const twice = [...seen].filter(([id, n]) => n > 1 && wanted.has(id)).map(([id]) => id);
  const empty = parsed.data.lines.filter((l) => wanted.has(l.id) && !l.text.trim()).map((l) => l.id);
  const list = (ids: string[]) => ids.map((id) => JSON.stringify(id)).join(', ');
  if (missing.length) problems.push(`id ${list(missing)} ${missing.length > 1 ? 'were' : 'was'} missing`);
  if (extra.length) problems.push(`id ${list(extra)} ${extra.length > 1 ? 'are' : 'is'} not a line of the window`);
  if (twice.length) problems.push(`id ${list(twice)} appeared more than once`);
  if (empty.length) problems.push(`the text of id ${list(empty)} was empty`);
  if (problems.length) return { ok: false, problems };
  return { ok: true, texts: new Map(parsed.data.lines.map((l) => [l.id, l.text.replace(/\s+/gu, ' ').trim()])) };
}
