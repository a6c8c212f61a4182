/**
 * The translate stage of neural translation providers (marian, nllb): the units in, the
 * Translation out, with the glossary honoured and sentence context used (mt-context.ts). The
 * provider supplies a Translator for the job's pair; batching and decoding are its business.
 *
 * The glossary: each term is swapped for a number placeholder the model copies
 * (mt-placeholders.ts) and swapped back. A unit whose placeholder the model dropped is
 * translated again with its terms written in the source as they must come out (a kept name, or
 * the forced translation): models tend to copy a word they do not know. If a term is still
 * missing, the job log says which.
 */
import { z } from 'zod';
import { Transcript, type Translation, type TranslationSegment } from './artifacts.js';
import { DubarrError, throwIfCancelled } from './errors.js';
import { compileGlossary, Glossary, jobGlossary, mergeGlossaries, type CompiledGlossary, type ProtectedText } from './glossary.js';
import { knownLanguageTag, lookupLanguage, type Language } from './languages.js';
import { sentenceGroups } from './mt-context.js';
import { numberPlaceholders } from './mt-placeholders.js';
import type { StageContext, StageInput } from './plugin.js';
import { languageParam, requireDocument } from './stage-input.js';

/** Options every neural translate provider takes, spread into its schema. */
export const neuralTranslateOptions = {
  /** Terms kept as-is (no translation) or forced; a job's params.glossary wins per term. */
  glossary: Glossary.default([]),
  /** Beam width: 1 is greedy search (fastest); 4 is what the models were tuned with. */
  beams: z.int().min(1).max(8).default(1),
  /** Units per encoder/decoder run; larger batches use the CPU better, up to memory. */
  batchSize: z.int().min(1).max(64).default(8),
  /** 'sentence': units that stop mid-sentence are translated with the units that finish it. */
  context: z.enum(['sentence', 'none']).default('sentence'),
};

export interface NeuralTranslateOptions {
  glossary: z.infer<typeof Glossary>;
  context: 'sentence' | 'none';
}

/** A model ready for one language pair. */
export interface Translator {
  /** Translations in order; `done(n)` after each batch (n texts finished so far). */
  translate(texts: readonly string[], done: (n: number) => void): Promise<string[]>;
}

export interface NeuralTranslateSpec {
  provider: string;
  stageId: string;
  options: NeuralTranslateOptions;
  open(source: Language, target: Language, sourceTag: string, targetTag: string): Promise<Translator>;
}

/** Source and target as given (a script or region may choose a variant: 'zh-Hant'). */
export function readTranslateLanguages(input: StageInput, units: Transcript, stageId: string): { source: string; target: string } {
  const target = languageParam(input, 'targetLanguage');
  if (!target) throw new DubarrError('E_INVALID_ARGUMENT', `${stageId} needs params.targetLanguage (an ISO 639-1 code such as 'es')`);
  const source = languageParam(input, 'sourceLanguage') ?? knownLanguageTag(units.language);
  if (!source) {
    throw new DubarrError('E_LANGUAGE_UNKNOWN', `${stageId} does not know the language of the text to translate: neither params.sourceLanguage nor the units name one`);
  }
  return { source, target };
}

const oneLine = (text: string) => text.replace(/\s+/gu, ' ').trim();

/** One text sent to the model: a unit, or a sentence joined from several. */
interface Attempt {
  /** Indexes into the units. */
  units: number[];
  protectedText: ProtectedText;
  /** Terms written in the source as they must come out, instead of placeholders. */
  inline: boolean;
}

export async function translateUnits(input: StageInput, ctx: StageContext, spec: NeuralTranslateSpec): Promise<{ data: Translation }> {
  throwIfCancelled(ctx);
  const units = requireDocument(Transcript, input, 'units', 'a Transcript of dubbing units', spec.stageId);
  const tags = readTranslateLanguages(input, units, spec.stageId);
  const source = lookupLanguage(tags.source)!;
  const target = lookupLanguage(tags.target)!;
  const entries = mergeGlossaries(spec.options.glossary, jobGlossary(input.params));
  const texts = units.segments.map((s) => oneLine(s.text));
  const doc = (targets: string[]): Translation => ({
    sourceLanguage: source.code, targetLanguage: target.code, provider: spec.provider,
    segments: units.segments.map((s, i): TranslationSegment => ({ ...s, target: targets[i]! })),
  });
  const plain = compileGlossary(entries);
  const withTermsInline = (t: string) => {
    const p = plain.protect(t);
    return plain.restore(p.text, p).text;
  };

  if (source.code === target.code) return { data: doc(texts.map(withTermsInline)) };

  ctx.progress(0.02, `loading the ${spec.provider} model for ${source.code}->${target.code}`);
  const translator = await spec.open(source, target, tags.source, tags.target);
  throwIfCancelled(ctx);

  // Without free placeholder numbers (a text full of three-digit numbers), terms go inline.
  const marks = numberPlaceholders(texts);
  const glossary = marks ? compileGlossary(entries, marks.style) : plain;
  const alone = (i: number, inline: boolean): Attempt => ({
    units: [i], inline, protectedText: inline ? { text: withTermsInline(texts[i]!), replacements: [] } : glossary.protect(texts[i]!),
  });
  const todo = texts.map((t, i) => ({ t, i })).filter(({ t }) => t !== '').map(({ i }) => i);
  const groups = spec.options.context === 'sentence' && marks
    ? sentenceGroups(todo.map((i) => ({ ...units.segments[i]!, text: texts[i]! }))).map((g) => g.map((k) => todo[k]!))
    : todo.map((i) => [i]);
  let pending: Attempt[] = groups.map((g) => (g.length === 1 ? alone(g[0]!, !marks) : {
    units: g, inline: false, protectedText: glossary.protect(g.map((i) => texts[i]!).join(` ${marks!.separator} `)),
  }));

  const targets = new Array<string>(texts.length).fill('');
  for (let pass = 0; pending.length > 0; pass++) {
    const count = pending.length;
    const out = await translator.translate(pending.map((a) => a.protectedText.text), (n) => {
      throwIfCancelled(ctx);
      ctx.progress(pass === 0 ? 0.05 + 0.9 * (n / count) : 0.95, pass === 0 ? `translated ${n} of ${count}` : `retranslating ${count} units`);
    });
    const next: Attempt[] = [];
    pending.forEach((a, k) => {
      if (a.inline) {
        targets[a.units[0]!] = oneLine(out[k]!);
        const lost = missingTerms(plain, texts[a.units[0]!]!, out[k]!);
        if (lost.length) ctx.log.warn({ segment: units.segments[a.units[0]!]!.id, lost }, 'the translation model dropped glossary terms; they are missing from this unit');
        return;
      }
      const restored = glossary.restore(out[k]!, a.protectedText);
      const parts = a.units.length > 1 ? marks!.split(restored.text) : [restored.text];
      if (parts.length === a.units.length && parts.every((p) => p !== '') && restored.missing.length === 0) {
        a.units.forEach((i, n) => (targets[i] = oneLine(parts[n]!)));
      } else if (a.units.length > 1) {
        next.push(...a.units.map((i) => alone(i, false)));   // separators lost: unit by unit
      } else {
        next.push(alone(a.units[0]!, true));                  // a placeholder lost: terms inline
      }
    });
    pending = next;
  }
  ctx.progress(1, `translated ${todo.length} units with ${spec.provider}`);
  return { data: doc(targets) };
}

/** Glossary outputs (kept terms, forced translations) the translation lacks. */
function missingTerms(glossary: CompiledGlossary, sourceText: string, translated: string): string[] {
  const wanted = glossary.protect(sourceText).replacements;
  const have = translated.toLocaleLowerCase();
  return wanted.filter((w) => !have.includes(w.toLocaleLowerCase()));
}
