/**
 * Instant voice clones, one per speaker, only when the user set allowCloning (the README
 * states the consent rule). A clone is made from the speaker's own clean lines in the source
 * (speaker-samples.ts) with POST /v1/voices/add, and its voice id kept in the provider cache
 * under the series and the speaker, so later lines, later episodes and retried jobs speak
 * with the same clone instead of making another. Speakers numbered by a series' speaker
 * library ('S3') are the same person across the series' episodes; any other label is only
 * known within its episode.
 */
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { DubarrError } from '../sdk/errors.js';
import type { StageContext, StageInput } from '../sdk/plugin.js';
import { ProviderResultCache } from '../sdk/provider-cache.js';
import type { VoicedUnit } from '../sdk/synthesis-units.js';
import { seriesSpeakerNumber } from '../sdk/voice-casting.js';
import { answerField, isString, PROVIDER, type ElevenClient } from './client.js';
import type { ElevenLabsOptions } from './options.js';
import { cleanLines, cutSamples } from './speaker-samples.js';

/** Less than this of clean speech makes a poor clone: the speaker is cast a stock voice instead. */
const MIN_SAMPLE_MS = 10_000;
const SEASON = /^(season|staffel|temporada|saison|series)[\s._-]*\d+$|^s\d{1,3}$/i;

/** speaker -> clone voice id, for every speaker with enough clean speech. */
export async function cloneSpeakerVoices(
  units: readonly VoicedUnit[], input: StageInput, client: ElevenClient, options: ElevenLabsOptions, ctx: StageContext,
): Promise<Map<string, string>> {
  const audio = input.inputs.extract?.files.audio;
  const media = input.inputs.source?.files.media;
  if (!audio || !media) {
    throw new DubarrError('E_INVALID_ARGUMENT', 'elevenlabs: allowCloning needs the source (inputs.source) and its speech (inputs.extract) in the synthesize step; the dub preset gives both');
  }
  const cache = new ProviderResultCache(PROVIDER);
  const clones = new Map<string, string>();
  const speakers = [...new Set(units.map((u) => u.speaker).filter((s): s is string => s !== undefined))];
  for (const speaker of speakers) {
    const scope = seriesSpeakerNumber(speaker) !== undefined ? `series:${seriesFolder(media)}` : `episode:${media}`;
    const key = { kind: 'voice-clone', text: speaker, voice: scope };
    const known = await cache.get(key);
    if (known) { clones.set(speaker, known.toString('utf8')); continue; }
    const samples = await cutSamples(audio, cleanLines(units, speaker, options.cloneSeconds), speaker);
    const ms = samples.reduce((a, s) => a + s.ms, 0);
    if (ms < MIN_SAMPLE_MS) {
      ctx.log.warn({ speaker, cleanSpeechMs: ms }, 'too little clean speech to clone this speaker; a stock voice speaks their lines');
      continue;
    }
    const { value } = await cache.getOrCompute(key, async () => {
      const form = new FormData();
      form.set('name', `dubarr ${basename(dirname(media))} ${speaker} ${digest(scope).slice(0, 8)}`);
      form.set('description', `Instant clone of ${speaker}, made by dubarr from the source's own speech`);
      for (const s of samples) form.append('files', new Blob([new Uint8Array(s.wav)], { type: 'audio/wav' }), s.name);
      const res = await client.request({ path: '/v1/voices/add', form, idempotent: false, expectJson: true });
      return answerField(res.json, 'voice_id', isString, 'POST /v1/voices/add');
    });
    clones.set(speaker, value.toString('utf8'));
    ctx.log.info({ speaker, voice: value.toString('utf8'), sampleMs: ms }, 'speaker cloned');
  }
  return clones;
}

/** The series a file belongs to: its folder, or the folder above a season folder. */
function seriesFolder(media: string): string {
  const parent = dirname(media);
  return SEASON.test(basename(parent)) ? dirname(parent) : parent;
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex');
