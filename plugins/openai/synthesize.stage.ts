/**
 * openai:synthesize — one WAV per dubbing unit through POST /audio/speech (model, voice, input,
 * raw PCM or WAV, speed), a voice per speaker where the translation labels speakers, and a unit
 * that overflows its slot asked again faster (speed = speechSpeed x rate, up to maxRate), as the
 * local voices do, so fit and mix work unchanged. Each (text, voice, model, speed, format) is
 * bought once and kept, so a resumed job or a second run pays only for lines not yet spoken.
 */
import { join } from 'node:path';
import { defineStage, paidCall, parseOptions, ProviderResultCache, throwIfCancelled, type Spend, type SynthesizedSegments } from '../sdk/index.js';
import { speakerHintMap } from '../sdk/speaker-hints.js';
import { synthesizeToFit } from '../sdk/synthesis.js';
import { castUnits, readTargetLanguage, readTranslation, synthesizedResult, writeClip, type SpokenAudio, type VoicedUnit } from '../sdk/synthesis-units.js';
import { openaiApi, PROVIDER } from './api.js';
import { OpenAIOptions, serverName } from './options.js';
import { decodeSpeech } from './speech-audio.js';

/** OpenAI's limit on `input`. */
const MAX_INPUT_CHARS = 4096;

export default defineStage<unknown, SynthesizedSegments>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const o = parseOptions(OpenAIOptions, input, 'openai');
  const translation = readTranslation(input, 'openai:synthesize');
  const language = readTargetLanguage(input, translation);
  const voices = [...new Set([o.speechVoice, ...o.voices])].map((id) => ({ id }));
  const units = castUnits(translation, voices, speakerHintMap(o.speakers), ctx.log);
  const api = openaiApi(o, ctx);
  const cache = new ProviderResultCache(PROVIDER);
  const where = `openai: POST ${serverName(o.baseUrl)}/audio/speech`;
  let bought = 0;
  let reused = 0;

  const speak = async (unit: VoicedUnit, rate: number): Promise<SpokenAudio> => {
    const text = unit.target.trim().slice(0, MAX_INPUT_CHARS);
    const speed = Math.min(4, Math.round(o.speechSpeed * rate * 1000) / 1000);
    const chars = [...text].length;
    const spend: Spend = { provider: PROVIDER, unit: 'characters', product: o.speechModel, quantity: chars, what: `speech of unit ${unit.id} (${unit.voice}${rate > 1 ? `, ${speed}x` : ''})` };
    const key = {
      kind: 'speech', text, voice: unit.voice,
      settings: { model: o.speechModel, speed, format: o.speechFormat, sampleRate: o.speechFormat === 'pcm' ? o.pcmSampleRate : null, instructions: o.speechInstructions ?? null },
    };
    const { value, cached } = await cache.getOrCompute(key, async () => {
      const body = await paidCall(ctx.cost, spend, async () => (await api.postJson('/audio/speech', {
        model: o.speechModel, voice: unit.voice, input: text, response_format: o.speechFormat, speed,
        ...(o.speechInstructions ? { instructions: o.speechInstructions } : {}),
      }, false)).body);
      decodeSpeech(body, o.speechFormat, o.pcmSampleRate, where); // an unusable answer is not kept
      return body;
    });
    if (cached) { ctx.cost.reused(spend); reused++; } else bought++;
    return decodeSpeech(value, o.speechFormat, o.pcmSampleRate, where);
  };

  const fitted = await synthesizeToFit(units, async (unit, rate) => {
    const file = join(ctx.workDir, `${String(unit.index).padStart(5, '0')}-${rate.toFixed(3)}.wav`);
    return { file, durationMs: await writeClip(file, await speak(unit, rate), false) };
  }, {
    supportsRate: true,
    maxRate: o.maxRate,
    concurrency: o.http.concurrency,
    cancel: ctx,
    onUnitDone: (done, total, unit) => ctx.progress(done / total, `unit ${unit.id}${unit.rate > 1 ? ` at ${unit.rate.toFixed(2)}x` : ''}`),
  });
  throwIfCancelled(ctx);
  ctx.log.info({ units: units.length, bought, reused, model: o.speechModel }, 'openai speech');
  return synthesizedResult(fitted, units, language, PROVIDER);
});
