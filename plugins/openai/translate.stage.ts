/**
 * openai:translate — the units translated by a chat model (POST /chat/completions), a window of
 * lines per request with the lines around it as context, the glossary as rules, and a syllable
 * budget per line from its slot, so the dub fits without racing. The answer is checked (every
 * id once, nothing else, no empty line); an unusable one gets ONE corrective request, then the
 * step fails naming what was wrong. Each window's answer is kept, keyed by everything sent, so
 * a resumed job pays only for the windows not yet translated.
 */
import {
  compileGlossary, defineStage, DubarrError, jobGlossary, lookupLanguage, mergeGlossaries, parseOptions, ProviderResultCache,
  requireDocument, throwIfCancelled, Transcript, type GlossaryEntry, type Translation,
} from '../sdk/index.js';
import { readTranslateLanguages } from '../sdk/neural-translate.js';
import { openaiApi, PROVIDER } from './api.js';
import { paidChat } from './chat.js';
import { OpenAIOptions, serverName } from './options.js';
import { speechRate, syllableBudgets } from './syllable-budget.js';
import {
  ANSWER_JSON_SCHEMA, checkAnswer, correctionPrompt, PROMPT_VERSION, systemPrompt, userPrompt, type ChatMessage, type TranslationWindow,
} from './translation-prompt.js';

const oneLine = (text: string) => text.replace(/\s+/gu, ' ').trim();

interface CachedWindow { texts: Record<string, string>; inputTokens: number; outputTokens: number }

export default defineStage<unknown, Translation>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const o = parseOptions(OpenAIOptions, input, 'openai');
  const units = requireDocument(Transcript, input, 'units', 'a Transcript of dubbing units', 'openai:translate');
  const tags = readTranslateLanguages(input, units, 'openai:translate');
  const source = lookupLanguage(tags.source)!;
  const target = lookupLanguage(tags.target)!;
  const ids = units.segments.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  // The model answers by id, so each line needs its own.
  if (dup !== undefined) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.units has segment id '${dup}' more than once; each line needs its own id`);
  const texts = units.segments.map((s) => oneLine(s.text));
  const doc = (targets: readonly string[]): Translation => ({
    sourceLanguage: source.code, targetLanguage: target.code, provider: PROVIDER,
    segments: units.segments.map((s, i) => ({ ...s, target: targets[i]! })),
  });
  if (source.code === target.code) return { data: doc(texts) };

  const glossary = mergeGlossaries(o.glossary, jobGlossary(input.params));
  const budgets = syllableBudgets(units.segments, speechRate(tags.target, o.syllablesPerSecond));
  const todo = texts.map((_, i) => i).filter((i) => texts[i] !== '');
  const windows: Array<{ indexes: number[]; window: TranslationWindow }> = [];
  for (let at = 0; at < todo.length; at += o.windowLines) {
    const indexes = todo.slice(at, at + o.windowLines);
    const lines = indexes.map((i) => ({ id: units.segments[i]!.id, text: texts[i]!, maxSyllables: budgets[i]! }));
    windows.push({
      indexes,
      window: {
        lines,
        before: todo.slice(Math.max(0, at - o.contextLines), at).map((i) => texts[i]!),
        after: todo.slice(at + o.windowLines, at + o.windowLines + o.contextLines).map((i) => texts[i]!),
        glossary: termsIn(glossary, lines.map((l) => l.text)),
      },
    });
  }

  const api = openaiApi(o, ctx);
  const cache = new ProviderResultCache(PROVIDER);
  const where = `openai: POST ${serverName(o.baseUrl)}/chat/completions`;
  const system = systemPrompt({ ...source, name: tags.source === source.code ? source.name : `${source.name} (${tags.source})` },
    { ...target, name: tags.target === target.code ? target.name : `${target.name} (${tags.target})` });
  const format = o.jsonMode === 'json_object' ? { response_format: { type: 'json_object' } }
    : o.jsonMode === 'json_schema' ? { response_format: { type: 'json_schema', json_schema: ANSWER_JSON_SCHEMA } } : {};

  const translateWindow = async (w: TranslationWindow, n: number): Promise<CachedWindow> => {
    const first = w.lines[0]!.id;
    const last = w.lines.at(-1)!.id;
    const what = `translate lines ${first}${first === last ? '' : `..${last}`} to ${target.code}`;
    const expected = Math.round(w.lines.reduce((a, l) => a + l.text.length, 0) * 1.3) + 30 * w.lines.length;
    const messages: ChatMessage[] = [{ role: 'system', content: system }, { role: 'user', content: userPrompt(w) }];
    const ask = () => paidChat(api, ctx, { model: o.translateModel, messages, temperature: o.temperature, ...format }, expected, what, where);
    let answer = await ask();
    let tokens = { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens };
    let checked = check(answer, w);
    if (!checked.ok) {
      ctx.log.warn({ window: n + 1, problems: checked.problems }, 'openai: the translation was not usable; asking once more');
      messages.push({ role: 'assistant', content: answer.content ?? '' }, { role: 'user', content: correctionPrompt(checked.problems, w) });
      answer = await ask();
      tokens = { inputTokens: tokens.inputTokens + answer.inputTokens, outputTokens: tokens.outputTokens + answer.outputTokens };
      checked = check(answer, w);
      if (!checked.ok) {
        throw new DubarrError('E_PROVIDER_FAILED', `openai: ${o.translateModel} did not give a usable translation of lines ${first}..${last}, twice: ${checked.problems.join('; ')}. A larger model, a smaller windowLines or jsonMode json_schema may help`, {
          details: { provider: PROVIDER, problems: checked.problems },
        });
      }
    }
    return { texts: Object.fromEntries(checked.texts), ...tokens };
  };

  const targets = new Array<string>(texts.length).fill('');
  let done = 0;
  let reused = 0;
  ctx.progress(0, `${windows.length} window(s) of up to ${o.windowLines} lines for ${o.translateModel}`);
  await inPool(windows, o.http.concurrency, async ({ indexes, window }, n) => {
    throwIfCancelled(ctx);
    const key = {
      kind: 'translate', text: userPrompt(window), voice: o.translateModel,
      settings: { source: tags.source, target: tags.target, jsonMode: o.jsonMode, temperature: o.temperature, prompt: PROMPT_VERSION },
    };
    const { value, cached } = await cache.getOrCompute(key, async () => JSON.stringify(await translateWindow(window, n)));
    const got = JSON.parse(value.toString('utf8')) as CachedWindow;
    if (cached) {
      reused++;
      const what = `translate lines ${window.lines[0]!.id}.. to ${target.code} (already paid for)`;
      ctx.cost.reused({ provider: PROVIDER, unit: 'inputTokens', product: o.translateModel, quantity: got.inputTokens, what });
      ctx.cost.reused({ provider: PROVIDER, unit: 'outputTokens', product: o.translateModel, quantity: got.outputTokens, what });
    }
    indexes.forEach((i, k) => { targets[i] = got.texts[window.lines[k]!.id]!; });
    warnLostTerms(window, got, ctx.log);
    ctx.progress(++done / windows.length, `window ${done} of ${windows.length}${cached ? ' (already paid for)' : ''}`);
  });
  throwIfCancelled(ctx);
  ctx.log.info({ windows: windows.length, reused, model: o.translateModel }, 'openai translated');
  return { data: doc(targets) };
});

function check(answer: { content: string | undefined; finishReason: string | undefined }, w: TranslationWindow) {
  const c = checkAnswer(answer.content, w);
  if (!c.ok && answer.finishReason === 'length') c.problems.push('the answer was cut off at the token limit');
  return c;
}

/** The glossary entries whose term occurs in these lines (the model needs no others). */
function termsIn(entries: readonly GlossaryEntry[], lines: readonly string[]): GlossaryEntry[] {
  return entries.filter((e) => lines.some((l) => compileGlossary([e]).protect(l).replacements.length > 0));
}

function warnLostTerms(w: TranslationWindow, got: CachedWindow, log: { warn(o: object, m: string): void }): void {
  for (const line of w.lines) {
    const wanted = compileGlossary(w.glossary).protect(line.text).replacements;
    const have = (got.texts[line.id] ?? '').toLocaleLowerCase();
    const lost = wanted.filter((t) => !have.includes(t.toLocaleLowerCase()));
    if (lost.length) log.warn({ segment: line.id, lost }, 'the model left out glossary terms in this line');
  }
}

/** Runs `work` on every item, at most `limit` at once; the first failure wins once all have stopped. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const runner = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        await work(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
  if (failure) throw failure.error;
}
