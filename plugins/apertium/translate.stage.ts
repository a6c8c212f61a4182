/** apertium:translate — every segment of a job through one apertium process. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compileGlossary, defineStage, jobGlossary, lookupLanguage, mergeGlossaries, throwIfCancelled,
  type Translation, type TranslationSegment,
} from '../sdk/index.js';
import { runApertium } from './apertium-process.js';
import { joinParagraphs, oneLine, splitParagraphs, stripUnknownMarks } from './batch-text.js';
import { findMode, listModes } from './modes.js';
import { noPairError } from './no-pair-error.js';
import { readLanguages, readOptions, readUnits } from './stage-inputs.js';

export default defineStage<unknown, Translation>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = readOptions(input);
  const units = readUnits(input);
  const { source, target } = readLanguages(input, units);
  const glossary = compileGlossary(mergeGlossaries(options.glossary, jobGlossary(input.params)));
  const doc = (segments: TranslationSegment[]): Translation => ({
    sourceLanguage: lookupLanguage(source)!.code, targetLanguage: lookupLanguage(target)!.code, provider: 'apertium', segments,
  });

  if (lookupLanguage(source)!.code === lookupLanguage(target)!.code) {
    // Nothing to translate; forced glossary terms still apply.
    return {
      data: doc(units.segments.map((s) => {
        const p = glossary.protect(oneLine(s.text));
        return { ...s, target: glossary.restore(p.text, p).text };
      })),
    };
  }
  const modes = await listModes(options.modesDir);
  const mode = findMode(modes, source, target);
  if (!mode) throw noPairError(source, target, modes);

  const todo = units.segments.map((s, i) => ({ i, text: oneLine(s.text) })).filter((s) => s.text !== '');
  const protectedTexts = todo.map((s) => glossary.protect(s.text));
  ctx.progress(0.05, `${todo.length} segments through apertium ${mode.name}`);
  const inputFile = join(ctx.workDir, 'apertium-input.txt');
  await writeFile(inputFile, joinParagraphs(protectedTexts.map((p) => p.text)), 'utf8');
  const output = todo.length === 0 ? '' : await runApertium({
    binary: options.binary,
    args: ['-d', mode.dataDir, ...(options.markUnknown ? [] : ['-u']), '-f', 'txt', mode.name, inputFile],
    signal: ctx.signal,
    tmpDir: ctx.workDir,
  });
  const translated = splitParagraphs(output, todo.length);

  const targets = new Array<string>(units.segments.length).fill('');
  todo.forEach(({ i, text }, k) => {
    const raw = options.markUnknown ? translated[k]! : stripUnknownMarks(translated[k]!, text);
    const restored = glossary.restore(raw, protectedTexts[k]!);
    if (restored.missing.length) {
      ctx.log.warn({ segment: units.segments[i]!.id, lost: restored.missing.map((m) => protectedTexts[k]!.replacements[m]) },
        'apertium dropped glossary placeholders; those terms are missing from the translation');
    }
    targets[i] = restored.text;
  });
  ctx.progress(1, `translated with apertium ${mode.name}`);
  return { data: doc(units.segments.map((s, i) => ({ ...s, target: targets[i]! }))) };
});
