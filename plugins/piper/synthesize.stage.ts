/**
 * piper:synthesize — one WAV (mono s16 at the voice's rate) per dubbing unit, spoken by a
 * Piper voice (VITS on ONNX Runtime) from espeak-ng phonemes; a voice per speaker where the
 * translation labels speakers; a unit that overflows its slot read again faster (length_scale
 * / rate, up to maxRate). Output like espeak-ng:synthesize, so fit and mix work unchanged.
 */
import { defineStage, parseOptions, throwIfCancelled, type SynthesizedSegments } from '../sdk/index.js';
import { onnxSession } from '../sdk/onnx-session.js';
import { speakerHintMap } from '../sdk/speaker-hints.js';
import { castUnits, readTargetLanguage, readTranslation, speakUnits, synthesizedResult } from '../sdk/synthesis-units.js';
import { PiperOptions } from './options.js';
import { piperVoicesFor, type PiperVoice } from './piper-voices.js';
import { speakSentences, type PiperSession, type SessionClock } from './speak.js';
import { phonemizeUnits } from './unit-phonemes.js';
import type { PiperVoiceModel } from './voice-config.js';

export default defineStage<unknown, SynthesizedSegments>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const started = performance.now();
  const options = parseOptions(PiperOptions, input, 'piper');
  const translation = readTranslation(input, 'piper:synthesize');
  const language = readTargetLanguage(input, translation);
  const voices = await piperVoicesFor(language, options);
  const voiceById = new Map(voices.map((v) => [v.id, v]));
  const cast = castUnits(translation, voices, speakerHintMap(options.speakers), ctx.log);

  const t0 = performance.now();
  const phonemes = await phonemizeUnits(cast, (u) => voiceById.get(u.voice)!, options.binary, ctx);
  const phonemizeMs = performance.now() - t0;
  if (phonemes.missing.size) ctx.log.warn({ phonemes: Object.fromEntries(phonemes.missing) }, 'phonemes the voice has no id for were left out');
  const units = cast.filter((u) => phonemes.ids.get(u.id)!.length > 0);
  const unspeakable = cast.filter((u) => !units.includes(u)).map((u) => u.id);
  if (unspeakable.length) ctx.log.warn({ units: unspeakable }, 'units with no word to say (only symbols or punctuation) get no audio');
  throwIfCancelled(ctx);

  const sessions = new Map<PiperVoiceModel, Promise<PiperSession>>();
  const clock: SessionClock = { sessionRunMs: 0 };
  let loadMs = 0;
  const sessionOf = (voice: PiperVoice) => {
    let s = sessions.get(voice.model);
    if (!s) {
      s = openSession(voice, options, ctx.log).then((r) => { loadMs += r.loadMs; return r.run; });
      sessions.set(voice.model, s);
    }
    return s;
  };
  const scalesOf = (voice: PiperVoice) => ({
    noiseScale: options.noiseScale ?? voice.model.config.inference.noise_scale,
    lengthScale: options.lengthScale ?? voice.model.config.inference.length_scale,
    noiseW: options.noiseW ?? voice.model.config.inference.noise_w,
  });

  const fitted = await speakUnits(units, async (unit, rate) => {
    const voice = voiceById.get(unit.voice)!;
    return speakSentences(await sessionOf(voice), voice, phonemes.ids.get(unit.id)!, scalesOf(voice), rate, options.sentenceSilenceMs, clock);
  }, { ctx, maxRate: options.maxRate, normalizePeak: true });

  ctx.log.info({ timings: { totalMs: performance.now() - started, phonemizeMs, sessionRunMs: clock.sessionRunMs, loadMs } }, 'piper timings');
  return synthesizedResult(fitted, units, language, 'piper');
});

async function openSession(voice: PiperVoice, options: PiperOptions, log: import('../sdk/index.js').Logger) {
  const { model, onnxPath, config } = voice.model;
  const inputs = ['input', 'input_lengths', 'scales', ...(config.num_speakers > 1 ? ['sid'] : [])];
  const opened = await onnxSession(onnxPath, {
    executionProviders: options.executionProviders, threads: options.threads, residentMb: model.entry.residentMb,
    label: model.id, log, expect: { inputs, outputs: ['output'] },
  });
  const { Tensor } = await import('onnxruntime-node');
  return { run: { session: opened.session, Tensor }, loadMs: opened.loadMs };
}
