/**
 * kokoro:synthesize — one WAV (mono s16, 24 kHz) per dubbing unit, spoken by Kokoro-82M on
 * ONNX Runtime from espeak-ng phonemes (English, Spanish, French, Hindi, Italian, Brazilian
 * Portuguese); a voice per speaker where the translation labels speakers; a unit that
 * overflows its slot read again faster (speed × rate, up to maxRate). Output like
 * espeak-ng:synthesize, so fit and mix work unchanged.
 */
import { defineStage, parseOptions, throwIfCancelled, type Logger, type SynthesizedSegments } from '../sdk/index.js';
import { openModel, type InstalledModel } from '../sdk/models.js';
import { onnxSession } from '../sdk/onnx-session.js';
import { speakerHintMap } from '../sdk/speaker-hints.js';
import { castUnits, readTargetLanguage, readTranslation, speakUnits, synthesizedResult } from '../sdk/synthesis-units.js';
import { kokoroVoicesFor } from './kokoro-voices.js';
import { kokoroLayout, loadStyles, loadVocab, type KokoroLayout } from './model-layout.js';
import { KokoroOptions } from './options.js';
import { speakRuns, type KokoroSession, type SessionClock } from './speak.js';
import { tokenizeUnits } from './unit-tokens.js';

export default defineStage<unknown, SynthesizedSegments>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const started = performance.now();
  const options = parseOptions(KokoroOptions, input, 'kokoro');
  const translation = readTranslation(input, 'kokoro:synthesize');
  const language = readTargetLanguage(input, translation);
  const model = await openModel(options.model, { provider: 'kokoro', task: 'tts' });
  const layout = kokoroLayout(model);
  const voices = kokoroVoicesFor(layout, language, options, model.id);
  const voiceById = new Map(voices.map((v) => [v.id, v]));
  const cast = castUnits(translation, voices, speakerHintMap(options.speakers), ctx.log);
  const vocab = await loadVocab(model);

  const t0 = performance.now();
  const tokens = await tokenizeUnits(cast, (u) => voiceById.get(u.voice)!, vocab, options.binary, ctx);
  const phonemizeMs = performance.now() - t0;
  if (tokens.missing.size) ctx.log.warn({ phonemes: Object.fromEntries(tokens.missing) }, 'phonemes the model has no id for were left out');
  const units = cast.filter((u) => tokens.runs.get(u.id)!.length > 0);
  const unspeakable = cast.filter((u) => !units.includes(u)).map((u) => u.id);
  if (unspeakable.length) ctx.log.warn({ units: unspeakable }, 'units with no word to say (only symbols or punctuation) get no audio');
  throwIfCancelled(ctx);

  const { session, loadMs } = await openSession(model, layout, options, ctx.log, vocab.get('$') ?? 0);
  const clock: SessionClock = { sessionRunMs: 0 };
  const fitted = await speakUnits(units, async (unit, rate) => {
    const voice = voiceById.get(unit.voice)!;
    return speakRuns(session, tokens.runs.get(unit.id)!, await loadStyles(voice, layout.styleDim), options.speed * rate, clock);
  }, { ctx, maxRate: options.maxRate, normalizePeak: false });

  ctx.log.info({ timings: { totalMs: performance.now() - started, phonemizeMs, sessionRunMs: clock.sessionRunMs, loadMs } }, 'kokoro timings');
  return synthesizedResult(fitted, units, language, 'kokoro');
});

async function openSession(model: InstalledModel, layout: KokoroLayout, options: KokoroOptions, log: Logger, pad: number): Promise<{ session: KokoroSession; loadMs: number }> {
  const opened = await onnxSession(layout.modelFile, {
    executionProviders: options.executionProviders, threads: options.threads, residentMb: model.entry.residentMb,
    label: model.id, log, expect: { inputs: ['input_ids', 'style', 'speed'], outputs: ['waveform'] },
  });
  const { Tensor } = await import('onnxruntime-node');
  return { session: { session: opened.session, Tensor, sampleRate: layout.sampleRate, styleDim: layout.styleDim, pad }, loadMs: opened.loadMs };
}
