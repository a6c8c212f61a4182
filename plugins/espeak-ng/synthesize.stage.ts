/**
 * espeak-ng:synthesize — one WAV (22.05 kHz mono s16) per dubbing unit, spoken faster
 * (bounded by maxRate) when it overflows its slot. A unit whose target text is empty has
 * nothing to say: it is left out of the result (no file, no entry) with a warning in the log.
 */
import { join } from 'node:path';
import {
  defineStage, DubarrError, lookupLanguage, synthesizeToFit, throwIfCancelled,
  type SynthesizedSegments, type TranslationSegment,
} from '../sdk/index.js';
import { runEspeak } from '../sdk/espeak.js';
import { assignSpeakerVariants } from './speaker-variants.js';
import { readOptions, readTargetLanguage, readTranslation } from './stage-inputs.js';
import { trimSilence } from './trim-silence.js';
import { readWavInfo } from '../sdk/wav.js';
import { listVoices, pickVoice, voiceLanguages } from './voices.js';

interface Unit extends TranslationSegment { index: number; voice: string }

export default defineStage<unknown, SynthesizedSegments>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = readOptions(input);
  const translation = readTranslation(input);
  const language = readTargetLanguage(input, translation);
  const code = lookupLanguage(language)!.code;

  const installed = await listVoices(options.binary);
  const voice = options.voices[language] ?? options.voices[code] ?? pickVoice(installed, language);
  if (!voice) {
    throw new DubarrError('E_LANGUAGE_UNSUPPORTED',
      `espeak-ng has no voice for '${language}'; installed voices speak: ${voiceLanguages(installed).join(', ')}. ` +
      `Pick one of those, or map it in plugins.options.espeak-ng.voices.`, { details: { language } });
  }

  const variants = assignSpeakerVariants(translation.segments.map((s) => s.speaker), options.speakerVariants, new Map(Object.entries(translation.speakers ?? {})));
  const units: Unit[] = [];
  const skipped: string[] = [];
  translation.segments.forEach((s, index) => {
    if (!s.target.trim()) { skipped.push(s.id); return; }
    const variant = s.speaker === undefined ? undefined : variants.get(s.speaker);
    units.push({ ...s, index, voice: variant ? `${voice}+${variant}` : voice });
  });
  if (skipped.length) ctx.log.warn({ skipped }, 'units with empty target text have nothing to say; they get no audio');

  const fitted = await synthesizeToFit<Unit>(units, async (unit, rate) => {
    const file = join(ctx.workDir, `${String(unit.index).padStart(5, '0')}-${rate.toFixed(3)}.wav`);
    const wpm = Math.round(options.rate * rate);
    await runEspeak(options.binary, ['-v', unit.voice, '-s', String(wpm), '-p', String(options.pitch), '-w', file, '--', oneLine(unit.target)], ctx.signal);
    const durationMs = options.trimSilence ? await trimSilence(file) : (await readWavInfo(file)).durationMs;
    return { file, durationMs };
  }, {
    supportsRate: true,
    maxRate: options.maxRate,
    concurrency: options.concurrency,
    cancel: ctx,
    onUnitDone: (done, total, unit) => ctx.progress(done / total, `unit ${unit.id}${unit.rate > 1 ? ` at ${unit.rate.toFixed(2)}x` : ''}`),
  });

  const voiceOf = new Map(units.map((u) => [u.id, u.voice]));
  return {
    files: Object.fromEntries(fitted.map((f) => [f.id, f.file])),
    data: {
      language: code,
      provider: 'espeak-ng',
      segments: fitted.map((f) => ({
        id: f.id, start: f.start, end: f.end, file: f.id, durationMs: f.durationMs, rate: f.rate, voice: voiceOf.get(f.id),
      })),
    },
  };
});

function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}
