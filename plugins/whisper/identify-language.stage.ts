/**
 * whisper:identify-language — which language is spoken, by Whisper's language head over the
 * first windows of speech (the VAD's spans when given), for the job's source-language step
 * (`--from auto`).
 */
import { defineStage, throwIfCancelled, type LanguageIdentification } from '../sdk/index.js';
import { fromWhisperCode } from './language-id.js';
import { speechSpans } from './speech-spans.js';
import { openAudio, readOptions, readVad } from './stage-inputs.js';
import { detectLanguage, WindowReader } from './transcriber.js';
import { openWhisper } from './whisper-runtime.js';

/** Candidates below this are noise in the report. */
const MIN_REPORTED = 0.01;

export default defineStage<unknown, LanguageIdentification>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const o = readOptions(input);
  const vad = readVad(input);
  const audio = await openAudio(input, 'whisper:identify-language');
  try {
    const rt = await openWhisper(o, ctx.log);
    const spans = speechSpans(audio.info.durationMs, vad, o.vadPaddingMs);
    ctx.progress(0.05, 'listening');
    throwIfCancelled(ctx);
    if (!rt.config.multilingual || spans.length === 0) {
      // An English-only model has no language head; no speech: nothing to tell.
      return { data: { provider: 'whisper', candidates: rt.config.multilingual ? [] : [{ language: 'en', confidence: 1 }], sampleMs: 0 } };
    }
    const { candidates, sampleMs } = await detectLanguage(rt, new WindowReader(audio, rt.config.nMels), spans, o.languageWindows, ctx);
    throwIfCancelled(ctx);
    ctx.progress(1, candidates[0] ? `${candidates[0].language} ${Math.round(candidates[0].confidence * 100)}%` : 'no language');
    return {
      data: {
        provider: `whisper ${rt.model.id}`,
        candidates: candidates.filter((c, i) => i === 0 || c.confidence >= MIN_REPORTED)
          .map((c) => ({ language: fromWhisperCode(c.language), confidence: Math.round(c.confidence * 1e4) / 1e4 })),
        sampleMs,
      },
    };
  } finally {
    await audio.close();
  }
});
