/**
 * deepl:translate — the units through DeepL's /v2/translate, in requests of up to 50 lines
 * with the passage around them as (unbilled) context, the job's glossary as a DeepL glossary,
 * and every line kept in the provider result cache, so a retried or resumed job, or a second
 * run, pays only for lines it has not bought yet.
 */
import { z } from 'zod';
import {
  compileGlossary, defineStage, DubarrError, jobGlossary, lookupLanguage, mergeGlossaries, paidCall, parseOptions,
  ProviderResultCache, requireDocument, throwIfCancelled, Transcript,
  type StageContext, type Translation, type TranslationSegment, type UnitKey,
} from '../sdk/index.js';
import { readTranslateLanguages } from '../sdk/neural-translate.js';
import { deeplClient, type DeeplClient } from './deepl-api.js';
import { ensureGlossary, glossaryTsv } from './deepl-glossary.js';
import { deeplBase, deeplSource, deeplTarget, supportsFormality, supportsGlossary } from './deepl-languages.js';
import { DeeplOptions } from './options.js';
import { GLOSSARY_ID_PLACEHOLDER, planRequests, translateBody, type TranslateFields } from './request-plan.js';

const STAGE = 'deepl:translate';

const TranslateAnswer = z.object({
  translations: z.array(z.object({
    text: z.string(),
    detected_source_language: z.string().optional(),
    billed_characters: z.number().int().min(0).optional(),
  })),
});
type TranslateAnswer = z.infer<typeof TranslateAnswer>;

const oneLine = (text: string) => text.replace(/\s+/gu, ' ').trim();
/** DeepL counts characters as Unicode code points. */
const characters = (texts: readonly string[]) => texts.reduce((n, t) => n + [...t].length, 0);

export default defineStage<unknown, Translation>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(DeeplOptions, input, 'deepl');
  const units = requireDocument(Transcript, input, 'units', 'a Transcript of dubbing units', STAGE);
  const tags = readTranslateLanguages(input, units, STAGE);
  const source = lookupLanguage(tags.source)!;
  const target = lookupLanguage(tags.target)!;
  const entries = mergeGlossaries(options.glossary, jobGlossary(input.params));
  const texts = units.segments.map((s) => oneLine(s.text));
  const doc = (targets: readonly string[]): Translation => ({
    sourceLanguage: source.code, targetLanguage: target.code, provider: 'deepl',
    segments: units.segments.map((s, i): TranslationSegment => ({ ...s, target: targets[i]! })),
  });

  if (deeplBase(tags.source) !== undefined && deeplBase(tags.source) === deeplBase(tags.target)) {
    // Nothing to translate (DeepL refuses EN to EN); forced glossary terms still apply, for free.
    const g = compileGlossary(entries);
    return { data: doc(texts.map((t) => { const p = g.protect(t); return g.restore(p.text, p).text; })) };
  }
  const fields: TranslateFields = { source_lang: deeplSource(tags.source), target_lang: deeplTarget(tags.target, options) };
  if (options.formality !== 'default') {
    if (supportsFormality(fields.target_lang)) fields.formality = options.formality;
    else ctx.log.info({ target: fields.target_lang }, `deepl: ${fields.target_lang} has no formal/informal forms; formality '${options.formality}' is not sent`);
  }
  // A DeepL glossary maps a term to some text: an entry that deletes its term cannot be one.
  const deepLEntries = entries.filter((e) => e.translation === undefined || oneLine(e.translation) !== '');
  if (deepLEntries.length < entries.length) {
    ctx.log.warn({ terms: entries.filter((e) => !deepLEntries.includes(e)).map((e) => e.term) }, 'deepl: glossary entries with an empty translation are left out (a DeepL glossary cannot delete a term)');
  }
  const useGlossary = deepLEntries.length > 0 && supportsGlossary(tags.source, tags.target);
  if (deepLEntries.length > 0 && !useGlossary) {
    ctx.log.warn({ source: fields.source_lang, target: fields.target_lang }, 'deepl: DeepL has no glossaries for this language pair; the glossary is not applied');
  }

  const todo = texts.map((t, i) => ({ t, i })).filter(({ t }) => t !== '').map(({ i }) => i);
  const lines = todo.map((i) => texts[i]!);
  const plan = planRequests(lines, options, { ...fields, glossary_id: useGlossary ? GLOSSARY_ID_PLACEHOLDER : undefined });
  // Everything that decides a line's translation, the key excepted.
  const settings = { source: fields.source_lang, formality: fields.formality ?? 'default', glossary: useGlossary ? glossaryTsv(deepLEntries) : '' };
  const keyOf = (line: number, context: string | undefined): UnitKey =>
    ({ kind: 'translate', text: lines[line]!, voice: fields.target_lang, settings: { ...settings, context: context ?? '' } });

  const cache = new ProviderResultCache('deepl');
  let api: DeeplClient | undefined;
  let glossaryId: string | undefined;
  const targets = new Array<string>(texts.length).fill('');
  ctx.progress(0.02, `${lines.length} lines in ${plan.length} DeepL requests`);
  throwIfCancelled(ctx);

  for (const [n, request] of plan.entries()) {
    const { hits, misses } = await cache.split(request.lines.map((l) => keyOf(l, request.context)));
    for (const [k, value] of hits) targets[todo[request.lines[k]!]!] = value.toString('utf8');
    if (hits.size > 0) {
      ctx.cost.reused({ provider: 'deepl', unit: 'characters', quantity: characters([...hits.keys()].map((k) => lines[request.lines[k]!]!)), what: `${hits.size} lines to ${fields.target_lang} from the cache` });
    }
    if (misses.length > 0) {
      api ??= deeplClient(options, ctx.signal, ctx.log);
      if (useGlossary && glossaryId === undefined) {
        glossaryId = await ensureGlossary({
          api, cache, entries: deepLEntries, signal: ctx.signal, log: ctx.log, pollMs: options.glossaryPollMs, polls: options.glossaryPolls,
          pair: { source: fields.source_lang.toLowerCase(), target: deeplBase(tags.target)! },
        });
      }
      const sent = misses.map((k) => request.lines[k]!);
      const out = await translateLines(api, ctx, sent.map((l) => lines[l]!), request.context, { ...fields, glossary_id: glossaryId });
      for (const [k, l] of sent.entries()) {
        targets[todo[l]!] = out[k]!;
        await cache.put(keyOf(l, request.context), out[k]!);
      }
    }
    ctx.progress(0.05 + 0.93 * ((n + 1) / plan.length), `translated ${request.lines.at(-1)! + 1} of ${lines.length} lines`);
    throwIfCancelled(ctx);
  }
  ctx.progress(1, `translated ${lines.length} lines with DeepL`);
  return { data: doc(targets) };
});

/** One billable request: reserved before it is sent, settled with what DeepL says it billed. */
async function translateLines(api: DeeplClient, ctx: StageContext, texts: string[], context: string | undefined, fields: TranslateFields): Promise<string[]> {
  const answer = await paidCall(ctx.cost,
    { provider: 'deepl', unit: 'characters', quantity: characters(texts), what: `translate ${texts.length} lines to ${fields.target_lang}` },
    async () => {
      const res = await api({ path: '/v2/translate', json: translateBody(texts, context, fields), idempotent: false });
      const parsed = TranslateAnswer.safeParse(res.json);
      if (!parsed.success || parsed.data.translations.length !== texts.length) {
        // Billed all the same: settled below with the estimate, never sent again by this run.
        return { bad: true as const, sent: texts.length, got: parsed.success ? parsed.data.translations.length : undefined };
      }
      return parsed.data;
    },
    (a) => ('bad' in a ? undefined : billedCharacters(a)));
  if ('bad' in answer) {
    throw new DubarrError('E_PROVIDER_FAILED', `deepl: /v2/translate answered ${answer.got === undefined ? 'without a list of translations' : `${answer.got} translations for ${answer.sent} texts`}; the job retries later`);
  }
  return answer.translations.map((t) => oneLine(t.text));
}

function billedCharacters(a: TranslateAnswer): number | undefined {
  return a.translations.every((t) => t.billed_characters !== undefined)
    ? a.translations.reduce((n, t) => n + t.billed_characters!, 0)
    : undefined;
}
