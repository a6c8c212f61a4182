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
  const all = options.useInstalled ? [...named, ...(await installedModels({ provider: 'piper', task: 'tts' }))] : named;
  return dedupe(all);
}

function dedupe(models: readonly InstalledModel[]): InstalledModel[] {
  const seen = new Set<string>();
  return models.filter((m) => !seen.has(m.dir) && seen.add(m.dir));
}

export async function piperVoicesFor(language: string, options: PiperOptions): Promise<PiperVoice[]> {
  const code = baseCode(language);
  const mapped = options.voices[language] ?? options.voices[code];
  // A voice mapped to the language is used as the user said; a missing one is their error to see.
  const main = mapped ? [await openModel(mapped, { provider: 'piper', task: 'tts' })] : [];
  const others = (await usableModels({ ...options, voices: {} })).filter((m) => speaks(m, code));
  const models = dedupe([...main, ...rank(others, options.model, language)]);
  if (models.length === 0) throw noVoice(language, code);
  const voices: PiperVoice[] = [];
  for (const m of models) voices.push(...speakersOf(await loadPiperVoice(m)));
  return voices;
}

/** `model` first when it is among them, then the wanted region, quality, id. */
function rank(models: InstalledModel[], preferred: string, language: string): InstalledModel[] {
  const region = regionOf(language);
  const key = (m: InstalledModel) => [
    m.id === preferred || m.dir === preferred ? 0 : 1,
    region && regionOf(String(m.entry.settings?.locale ?? '')) === region ? 0 : 1,
    rankOf(m.entry.voice?.quality),
  ];
  return [...models].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
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
