/**
 * whisper:transcribe and whisper:source-text — speech to a Transcript with segment and word
 * timestamps, VAD-chunked when the vad input is given, the language given or detected.
 */
import { defineStage, throwIfCancelled, type Transcript } from '../sdk/index.js';
import { fromWhisperCode } from './language-id.js';
import { speechSpans } from './speech-spans.js';
import { openAudio, readOptions, readVad, requestedLanguage } from './stage-inputs.js';
import { transcribe, WindowReader } from './transcriber.js';
import { openWhisper } from './whisper-runtime.js';

export default defineStage<unknown, Transcript>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const o = readOptions(input);
  const vad = readVad(input);
  const audio = await openAudio(input, 'whisper:transcribe');
  try {
    const rt = await openWhisper(o, ctx.log);
    const language = requestedLanguage(input, rt);
    const spans = speechSpans(audio.info.durationMs, vad, o.vadPaddingMs);
    const reader = new WindowReader(audio, rt.config.nMels);
    ctx.progress(0, `${spans.length} speech span(s)`);
    const r = await transcribe(rt, reader, spans, {
      ...o, language, cancel: ctx, progress: (f, note) => ctx.progress(f, note),
    });
    throwIfCancelled(ctx);
    const detected = r.detected?.[0];
    const parts = [
      rt.model.id,
      detected ? `language detected: ${detected.language} (${Math.round(detected.confidence * 100)}%)` : r.language ? `language ${r.language}` : 'no speech to tell the language from',
      vad ? `${spans.length} VAD span(s)` : 'whole track',
      `${r.windows} window(s)`,
      ...(r.fallbacks ? [`${r.fallbacks} decoded again hotter`] : []),
      ...(r.skipped ? [`${r.skipped} without speech`] : []),
      o.wordTimestamps ? (rt.crossAttentions ? 'word times by cross-attention' : 'word times by length (the export has no cross-attention outputs)') : 'no word times',
    ];
    if (r.segments.length === 0) ctx.log.warn('whisper heard no speech in the audio');
    ctx.log.info({ model: rt.model.id, executionProvider: rt.provider, windows: r.windows, fallbacks: r.fallbacks, skipped: r.skipped }, 'whisper transcribed');
    ctx.progress(1, `${r.segments.length} segments`);
    return {
      data: {
        ...(r.language ? { language: fromWhisperCode(r.language) } : {}),
        source: { kind: 'asr', provider: 'whisper', detail: parts.join(', ') },
        segments: r.segments,
      },
    };
  } finally {
    await audio.close();
  }
});
