/**
 * What every synthesize stage does around its engine: read the Translation and the language
 * to speak, leave out units with nothing to say, give each unit its speaker's voice, speak the
 * units into their slots (synthesizeToFit: faster where a unit overflows), and return the
 * SynthesizedSegments document the fit and mix stages read. espeak-ng uses the input readers;
 * the neural voices (piper, kokoro) use all of it with clips they make as samples in memory.
 */
import { join } from 'node:path';
import { SynthesizedSegments, Translation, type TranslationSegment } from './artifacts.js';
import { audibleSpan } from './audible-span.js';
import { DubarrError } from './errors.js';
import { knownLanguageTag, lookupLanguage } from './languages.js';
import type { Logger, StageContext, StageInput } from './plugin.js';
import { languageParam, requireDocument } from './stage-input.js';
import { synthesizeToFit, type FittedUnit } from './synthesis.js';
import { castVoices, type CastableVoice, type SpeakerHint } from './voice-casting.js';
import { writeWav } from './wav.js';

export function readTranslation(input: StageInput, stageId: string): Translation {
  const t = requireDocument(Translation, input, 'translation', 'a Translation', stageId);
  const ids = t.segments.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  // Unit ids name the output files, so they must be unique.
  if (dup !== undefined) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.translation has segment id '${dup}' more than once`);
  return t;
}

/** The language to speak, as given (a region such as 'pt-BR' may pick a regional voice). */
export function readTargetLanguage(input: StageInput, translation: Translation): string {
  const tag = languageParam(input, 'targetLanguage') ?? knownLanguageTag(translation.targetLanguage);
  if (!tag) throw new DubarrError('E_INVALID_ARGUMENT', `targetLanguage '${translation.targetLanguage}' is not an ISO 639 language code`);
  return tag;
}

export interface VoicedUnit extends TranslationSegment {
  /** Position in the translation: names the unit's clip files. */
  index: number;
  /** The id of the voice that speaks it. */
  voice: string;
}

/**
 * The units with something to say, each with its voice: a labelled speaker's from castVoices,
 * `voices[0]` (the main voice) for unlabelled speech. Empty units are left out with a warning.
 */
export function castUnits(
  translation: Translation, voices: readonly CastableVoice[], hints: ReadonlyMap<string, SpeakerHint>, log: Logger,
): VoicedUnit[] {
  const spoken = translation.segments.map((s, index) => ({ ...s, index })).filter((s) => s.target.trim());
  const skipped = translation.segments.filter((s) => !s.target.trim()).map((s) => s.id);
  if (skipped.length) log.warn({ skipped }, 'units with empty target text have nothing to say; they get no audio');
  const speakers = spoken.map((s) => s.speaker).filter((s): s is string => s !== undefined);
  // The document's own speaker facts (a script's characters) under what the user configured.
  hints = new Map([...Object.entries(translation.speakers ?? {}), ...hints]);
  const unknown = [...hints].filter(([s, h]) => h.voice !== undefined && speakers.includes(s) && !voices.some((v) => v.id === h.voice));
  if (unknown.length) log.warn({ speakers: Object.fromEntries(unknown.map(([s, h]) => [s, h.voice])), voices: voices.map((v) => v.id) }, 'voices chosen for speakers are not among the voices for this language; they were cast instead');
  const cast = castVoices(speakers, voices, hints);
  if (cast.size) log.info({ cast: Object.fromEntries(cast) }, 'a voice per speaker');
  return spoken.map((s) => ({ ...s, voice: s.speaker === undefined ? voices[0]!.id : cast.get(s.speaker)! }));
}

export interface SpokenAudio {
  samples: Float32Array;
  sampleRate: number;
}

export interface SpeakUnitsOptions {
  ctx: StageContext;
  /** Fastest re-synthesis rate for a unit that overflows its slot. */
  maxRate: number;
  /** Scale each clip so its peak is at -1 dBFS (what Piper does to its output); else only clipping is prevented. */
  normalizePeak: boolean;
}

const PEAK = 10 ** (-1 / 20);

/**
 * Speaks every unit (at rate 1, again faster where it overflows its slot) into a mono s16 WAV
 * in the work dir, silence at both ends cut, one unit at a time: an ONNX session's run blocks
 * the thread, so running two at once in one worker gains nothing. Progress after each unit;
 * a cancel is seen between units.
 */
export async function speakUnits<U extends VoicedUnit>(
  units: readonly U[], speak: (unit: U, rate: number) => Promise<SpokenAudio>, o: SpeakUnitsOptions,
): Promise<FittedUnit[]> {
  return synthesizeToFit<U>(units, async (unit, rate) => {
    const audio = await speak(unit, rate);
    const file = join(o.ctx.workDir, `${String(unit.index).padStart(5, '0')}-${rate.toFixed(3)}.wav`);
    const durationMs = await writeClip(file, audio, o.normalizePeak);
    return { file, durationMs };
  }, {
    supportsRate: true,
    maxRate: o.maxRate,
    concurrency: 1,
    cancel: o.ctx,
    onUnitDone: (done, total, unit) => o.ctx.progress(done / total, `unit ${unit.id}${unit.rate > 1 ? ` at ${unit.rate.toFixed(2)}x` : ''}`),
  });
}

/** Writes the audible part of the clip; its duration in ms. */
export async function writeClip(file: string, audio: SpokenAudio, normalizePeak: boolean): Promise<number> {
  const { from, to } = audibleSpan([audio.samples], audio.sampleRate);
  const kept = audio.samples.subarray(from, to);
  let peak = 0;
  for (const x of kept) peak = Math.max(peak, Math.abs(x));
  // A silent clip (peak 0) stays silent; a near-silent one is not blown up into noise.
  const gain = normalizePeak ? (peak > 1e-3 ? PEAK / peak : 1) : (peak > 1 ? 1 / peak : 1);
  const out = gain === 1 ? kept : kept.map((x) => x * gain);
  await writeWav(file, { sampleRate: audio.sampleRate, channels: [out] });
  return Math.round((out.length * 1000) / audio.sampleRate);
}

/** The stage's result: one file per spoken unit, named by unit id. */
export function synthesizedResult(fitted: readonly FittedUnit[], units: readonly VoicedUnit[], language: string, provider: string): { files: Record<string, string>; data: SynthesizedSegments } {
  const voiceOf = new Map(units.map((u) => [u.id, u.voice]));
  return {
    files: Object.fromEntries(fitted.map((f) => [f.id, f.file])),
    data: {
      language: lookupLanguage(language)?.code ?? language,
      provider,
      segments: fitted.map((f) => ({
        id: f.id, start: f.start, end: f.end, file: f.id, durationMs: f.durationMs, rate: f.rate, voice: voiceOf.get(f.id),
      })),
    },
  };
}
