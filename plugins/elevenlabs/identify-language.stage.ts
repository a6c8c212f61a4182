/**
 * elevenlabs:identify-language — the language Scribe detected (language_code and its
 * probability) for the job's source-language step. It is the same transcription the
 * transcribe step buys when no source language is given (scribe.ts), so with Scribe as the
 * transcriber too, the audio is paid for once.
 */
import { DubarrError, defineStage, parseOptions, throwIfCancelled, type LanguageIdentification } from '../sdk/index.js';
import { lookupLanguage } from '../sdk/languages.js';
import { ElevenLabsOptions } from './options.js';
import { scribeAudio } from './scribe.js';

export default defineStage<unknown, LanguageIdentification>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(ElevenLabsOptions, input, 'elevenlabs');
  const { json, durationMs } = await scribeAudio(input, ctx, options, undefined, 'elevenlabs:identify-language');
  const body = (json ?? {}) as { language_code?: unknown; language_probability?: unknown };
  const language = lookupLanguage(body.language_code)?.code;
  if (!language) throw new DubarrError('E_NOT_APPLICABLE', `elevenlabs: Scribe named no language it could tell (${String(body.language_code ?? 'none')})`);
  const confidence = typeof body.language_probability === 'number' ? Math.min(1, Math.max(0, body.language_probability)) : 0.5;
  ctx.progress(1, `${language} (${Math.round(confidence * 100)}%)`);
  return { data: { provider: 'elevenlabs', candidates: [{ language, confidence }], sampleMs: durationMs } };
});
