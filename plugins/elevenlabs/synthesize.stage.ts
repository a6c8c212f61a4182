/**
 * elevenlabs:synthesize — one WAV per dubbing unit, spoken by an ElevenLabs voice: each
 * speaker cast from the account's voices by gender and age (their labels), or, with
 * allowCloning, an instant clone of the speaker's own voice; each line bought once
 * (with-timestamps, PCM) at a speed chosen from the voice's measured reading pace so it fits
 * its slot (pacing.ts), stitched to the previous line of the same voice by request id. Output
 * like every synthesize stage, so fit and mix work unchanged.
 */
import { join } from 'node:path';
import { defineStage, parseOptions, throwIfCancelled, type SynthesizedSegments } from '../sdk/index.js';
import { ProviderResultCache } from '../sdk/provider-cache.js';
import { speakerHintMap } from '../sdk/speaker-hints.js';
import { castUnits, readTargetLanguage, readTranslation, synthesizedResult, writeClip, type VoicedUnit } from '../sdk/synthesis-units.js';
import { availableSlots, type FittedUnit } from '../sdk/synthesis.js';
import { elevenClient, PROVIDER } from './client.js';
import { cloneSpeakerVoices } from './cloning.js';
import { ElevenLabsOptions } from './options.js';
import { ReadingPace, speedOf } from './pacing.js';
import { cachedLine, pcmToFloat, speakLine, type LineRequest } from './speech.js';
import { castingVoices, listVoices } from './voices.js';

export default defineStage<unknown, SynthesizedSegments>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(ElevenLabsOptions, input, 'elevenlabs');
  const translation = readTranslation(input, 'elevenlabs:synthesize');
  const language = readTargetLanguage(input, translation);
  const client = elevenClient(options, ctx.signal);
  const cache = new ProviderResultCache(PROVIDER);
  const hints = speakerHintMap(options.speakers);

  const all = await listVoices(client);
  const named = [...hints.values()].map((h) => h.voice).filter((v): v is string => v !== undefined && all.some((x) => x.id === v));
  let units = castUnits(translation, castingVoices(all, options.voice, named), hints, ctx.log);
  if (options.allowCloning) {
    const clones = await cloneSpeakerVoices(units, input, client, options, ctx);
    units = units.map((u) => (u.speaker !== undefined && clones.has(u.speaker) ? { ...u, voice: clones.get(u.speaker)! } : u));
  }
  const slots = new Map(availableSlots(units).map((ms, i) => [units[i]!.id, ms]));

  // One chain per voice, in time order, so each line can be stitched to the one before it.
  const chains = new Map<string, VoicedUnit[]>();
  for (const u of [...units].sort((a, b) => a.start - b.start)) chains.set(u.voice, [...(chains.get(u.voice) ?? []), u]);
  const pace = new ReadingPace();
  const fitted = new Map<string, FittedUnit>();
  let bought = 0;
  let reused = 0;

  const requestFor = (u: VoicedUnit, rate: number): LineRequest => ({
    text: u.target, voice: u.voice, model: options.model, outputFormat: options.outputFormat,
    settings: {
      stability: options.stability, similarity_boost: options.similarityBoost, style: options.style,
      use_speaker_boost: options.useSpeakerBoost, speed: speedOf(options.speed, rate),
    },
  });
  const rateOf = (u: VoicedUnit) => pace.rateFor(u.voice, [...u.target].length, slots.get(u.id)!, options.speed, options.maxRate);

  const speakChain = async (chain: VoicedUnit[]) => {
    let previous: string | undefined;
    for (const [k, u] of chain.entries()) {
      throwIfCancelled(ctx);
      const rate = rateOf(u);
      const request = requestFor(u, rate);
      if (options.stitching) {
        // A line after this one already bought (a resumed job, an edited line) is stitched to as
        // well, when it is found under the settings it would be asked for now.
        const next = chain[k + 1] ? (await cachedLine(cache, requestFor(chain[k + 1]!, rateOf(chain[k + 1]!))))?.requestId : undefined;
        request.previousRequestIds = previous ? [previous] : undefined;
        request.nextRequestIds = next ? [next] : undefined;
      }
      const { speech, cached } = await speakLine(client, cache, ctx.cost, request, `line ${u.id} (${[...u.target].length} characters)`);
      if (cached) reused++; else bought++;
      previous = speech.requestId;
      if (speech.alignedSeconds !== undefined) pace.record(u.voice, speech.alignedCharacters ?? [...u.target].length, speech.alignedSeconds, request.settings.speed);
      const file = join(ctx.workDir, `${String(u.index).padStart(5, '0')}.wav`);
      const durationMs = await writeClip(file, { samples: pcmToFloat(speech.pcm), sampleRate: speech.sampleRate }, false);
      const availableMs = slots.get(u.id)!;
      fitted.set(u.id, {
        id: u.id, start: u.start, end: u.end, file, durationMs, rate, availableMs,
        overflowMs: Math.max(0, durationMs - availableMs), resynthesized: false,
      });
      ctx.progress(fitted.size / units.length, `line ${u.id}${rate > 1 ? ` at ${rate.toFixed(2)}x` : ''}`);
    }
  };
  const results = await Promise.allSettled([...chains.values()].map(speakChain));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;

  ctx.log.info({ lines: units.length, bought, reused, voices: [...chains.keys()] }, 'elevenlabs speech');
  return synthesizedResult(units.map((u) => fitted.get(u.id)!), units, language, PROVIDER);
});
