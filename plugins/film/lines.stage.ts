/**
 * film:lines — the script's lines in one target language, as the Translation a synthesize
 * provider reads: the text itself in the script's language, else the line's translation, with
 * what the script says about each character (gender, age, voice) for the casting. Slots are
 * roomy and back to back: nothing is sped up to fit, since the timeline is made from the
 * speech rather than the other way round.
 */
import { DubarrError, defineStage, languageParam, lookupLanguage, requireDocument, Script, type Translation } from '../sdk/index.js';

/** Room given to each line: more than any line is spoken in, so none is read faster. */
const SLOT_MS = 120_000;

export default defineStage<unknown, Translation>(async (input) => {
  const script = requireDocument(Script, input, 'script', 'a Script', 'film:lines');
  const target = languageParam(input, 'targetLanguage') ?? script.language;
  const code = lookupLanguage(target)!.code;
  const lines = script.scenes.flatMap((s) => s.lines);
  const segments = lines.map((l, i) => {
    const text = code === script.language ? l.text : l.translations[code];
    if (text === undefined) {
      throw new DubarrError('E_SCRIPT_INVALID',
        `line ${l.sourceLine} of the script has no '${code}' text (the script is in '${script.language}'): add translations: { ${code}: ... } to every line, or ask for '${script.language}' (--to ${script.language})`,
        { details: { line: l.sourceLine, language: code } });
    }
    return { id: l.id, start: i * SLOT_MS, end: (i + 1) * SLOT_MS, text: l.text, target: text, speaker: l.character };
  });
  const speakers = Object.fromEntries(script.characters.map((c) => [c.name, {
    ...(c.gender ? { gender: c.gender } : {}), ...(c.age ? { age: c.age } : {}), ...(c.voice ? { voice: c.voice } : {}),
  }]));
  return { data: { sourceLanguage: script.language, targetLanguage: target, provider: 'film', segments, speakers } };
});
