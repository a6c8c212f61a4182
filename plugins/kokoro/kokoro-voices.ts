/**
 * The Kokoro voices for a language, in order of preference: the voice `voices` maps to the
 * language first, then those of the wanted region ('en-GB' -> British voices), then the
 * model's own order (the catalogue lists the best graded first).
 */
import { DubarrError } from '../sdk/errors.js';
import { lookupLanguage } from '../sdk/languages.js';
import type { KokoroLayout, KokoroVoice } from './model-layout.js';
import type { KokoroOptions } from './options.js';

export function kokoroVoicesFor(layout: KokoroLayout, language: string, options: KokoroOptions, modelId: string): KokoroVoice[] {
  const code = lookupLanguage(language)?.code ?? language;
  const region = language.split(/[-_]/)[1]?.toLowerCase();
  const spoken = layout.voices.filter((v) => v.language === code);
  if (spoken.length === 0) {
    const langs = [...new Set(layout.voices.map((v) => v.language))].sort();
    throw new DubarrError('E_LANGUAGE_UNSUPPORTED',
      `the kokoro model ${modelId} has no voice for '${language}' that dubarr can give phonemes to; its voices speak ${langs.join(', ') || 'nothing'} ` +
      `(Japanese and Chinese voices need phonemes espeak-ng does not make)`, { details: { language } });
  }
  const main = options.voices[language] ?? options.voices[code];
  if (main !== undefined && !spoken.some((v) => v.id === main)) {
    throw new DubarrError('E_INVALID_ARGUMENT', `plugins.options.kokoro.voices maps '${language}' to ${main}, which is not a ${code} voice of ${modelId}: pick one of ${spoken.map((v) => v.id).join(', ')}`);
  }
  const key = (v: KokoroVoice) => [v.id === main ? 0 : 1, region && v.espeak.split('-')[1] === region ? 0 : 1, spoken.indexOf(v)];
  return [...spoken].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] as number) - (kb[i] as number);
    return 0;
  });
}
