/**
 * The Piper voices that may speak a language, in order of preference; each is a model, or one
 * speaker of a multi-speaker model. The first is the main voice (speech no speaker label
 * decides): the voice mapped to the language in `voices`, else `model` when it speaks the
 * language, else the best installed one. The others, when `useInstalled`, are every installed
 * piper voice of the language: those of the wanted region first ('pt-BR' -> pt_BR voices),
 * then by quality, then by id.
 *
 * A multi-speaker model offers the speakers its catalogue entry lists (with their gender and
 * age, best first), then its other speakers by id. Voice ids are the model id, and for a
 * multi-speaker model `<model id>#<speaker name>`.
 */
import { DubarrError } from '../sdk/errors.js';
import { installedModels } from '../sdk/installed-models.js';
import { lookupLanguage } from '../sdk/languages.js';
import { modelInstalled, openModel, readCatalogue, type InstalledModel } from '../sdk/models.js';
import type { CastableVoice } from '../sdk/voice-casting.js';
import type { PiperOptions } from './options.js';
import { loadPiperVoice, type PiperVoiceModel } from './voice-config.js';

export interface PiperVoice extends CastableVoice {
  model: PiperVoiceModel;
  /** Speaker id of a multi-speaker model. */
  sid?: number;
}

const QUALITY_RANK = ['high', 'medium', 'low', 'x_low', 'x-low'];

const baseCode = (tag: string) => lookupLanguage(tag)?.code ?? tag.toLowerCase();
const regionOf = (tag: string) => tag.split(/[-_]/)[1]?.toUpperCase();

/** Whether a model's catalogue languages include the language. */
export function speaks(model: InstalledModel, code: string): boolean {
  const langs = model.entry.languages;
  return langs === '*' || langs.some((l) => baseCode(l) === code);
}

/** The voice references the options name, as given (ids or absolute paths). */
function namedRefs(options: PiperOptions): string[] {
  return [...new Set([options.model, ...Object.values(options.voices)])];
}

/** Every installed piper model the options allow (for available()): quick, reads manifests only. */
export async function usableModels(options: PiperOptions): Promise<InstalledModel[]> {
  const named = (await Promise.all(namedRefs(options).map(async (ref) =>
    (await modelInstalled(ref)) ? openModel(ref, { provider: 'piper', task: 'tts' }).catch(() => undefined) : undefined)))
    .filter((m): m is InstalledModel => m !== undefined);
  const all = options.useInstalled ? [...named, ...(await installedModels({ provider: 'piper' }))] : named;
  return dedupe(all);
}

function dedupe(models: readonly InstalledModel[]): InstalledModel[] {
  const seen = new Set<string>();
  return models.filter((m) => !seen.has(m.dir) && seen.add(m.dir));
}

/** The model mapped to the language in `voices` (used as the user said, even for another language). */
export function mappedRef(language: string, options: PiperOptions): string | undefined {
  return options.voices[language] ?? options.voices[baseCode(language)];
}

/** The models a step in this language may use: the mapped one, then those that speak it. */
export async function modelsFor(language: string, options: PiperOptions): Promise<InstalledModel[]> {
  const mapped = mappedRef(language, options);
  // A missing mapped voice is the user's error to see (openModel says how to pull it).
  const main = mapped ? [await openModel(mapped, { provider: 'piper', task: 'tts' })] : [];
  const others = (await usableModels({ ...options, voices: {} })).filter((m) => speaks(m, baseCode(language)));
  return dedupe([...main, ...others]);
}

export async function piperVoicesFor(language: string, options: PiperOptions): Promise<PiperVoice[]> {
  const models = await modelsFor(language, options);
  if (models.length === 0) throw noVoice(language, baseCode(language));
  const loaded = await Promise.all(models.map(loadPiperVoice));
  const main = mappedRef(language, options) ? loaded.slice(0, 1) : [];
  return dedupeVoices([...main, ...rank(loaded, options.model, language)]).flatMap(speakersOf);
}

function dedupeVoices(voices: readonly PiperVoiceModel[]): PiperVoiceModel[] {
  return voices.filter((v, i) => voices.indexOf(v) === i);
}

/** `model` first when it is among them, then the wanted region (the voice's own locale), quality, id. */
function rank(voices: PiperVoiceModel[], preferred: string, language: string): PiperVoiceModel[] {
  const region = regionOf(language);
  const key = ({ model, config, settings }: PiperVoiceModel) => [
    model.id === preferred || model.dir === preferred ? 0 : 1,
    region && regionOf(config.language?.code ?? settings.locale ?? '') === region ? 0 : 1,
    rankOf(model.entry.voice?.quality ?? config.audio.quality),
  ];
  return [...voices].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return a.model.id < b.model.id ? -1 : a.model.id > b.model.id ? 1 : 0;
  });
}

function rankOf(quality: string | undefined): number {
  const i = QUALITY_RANK.indexOf(quality ?? '');
  return i < 0 ? QUALITY_RANK.length : i;
}

function speakersOf(voice: PiperVoiceModel): PiperVoice[] {
  const { model, config } = voice;
  if (config.num_speakers <= 1) return [{ id: model.id, model: voice, gender: model.entry.voice?.gender, age: model.entry.voice?.age }];
  const nameOf = new Map(Object.entries(config.speaker_id_map).map(([name, sid]) => [sid, name]));
  const listed = model.entry.voice?.speakers ?? [];
  const order = [
    ...listed.map((s) => s.id),
    ...Array.from({ length: config.num_speakers }, (_, sid) => sid),
  ].filter((sid, i, all) => sid < config.num_speakers && all.indexOf(sid) === i);
  return order.map((sid) => {
    const known = listed.find((s) => s.id === sid);
    return { id: `${model.id}#${nameOf.get(sid) ?? known?.name ?? sid}`, model: voice, sid, gender: known?.gender, age: known?.age };
  });
}

function noVoice(language: string, code: string): DubarrError {
  const pullable = readCatalogue().filter((e) => e.provider === 'piper' && (e.languages === '*' || e.languages.some((l) => baseCode(l) === code)));
  const suggestion = pullable.length
    ? `pull one: ${pullable.slice(0, 3).map((e) => `dubarr models pull ${e.id}`).join(', or ')}`
    : 'the catalogue has no piper voice for it either: use espeak-ng (or kokoro) for this language';
  return new DubarrError('E_MODEL_MISSING', `no installed piper voice speaks '${language}'; ${suggestion}`, { details: { language } });
}
