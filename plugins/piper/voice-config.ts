/**
 * A Piper voice as installed: the model's folder holds `<locale>-<name>-<quality>.onnx` and its
 * `.onnx.json` at the paths rhasspy/piper-voices gives them (the catalogue entry's `files`:
 * the one `.onnx` file, and that path + `.json`). The .onnx.json is the voice's own config:
 * sample rate, espeak-ng voice, inference scales, phoneme → id map, speakers.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DubarrError } from '../sdk/errors.js';
import type { InstalledModel } from '../sdk/models.js';

export const PiperConfig = z.object({
  audio: z.object({ sample_rate: z.int().min(8000).max(96_000), quality: z.string().optional() }),
  espeak: z.object({ voice: z.string().min(1) }).optional(),
  inference: z.object({
    noise_scale: z.number().default(0.667),
    length_scale: z.number().positive().default(1),
    noise_w: z.number().default(0.8),
  }).default({ noise_scale: 0.667, length_scale: 1, noise_w: 0.8 }),
  phoneme_type: z.string().default('espeak'),
  /** A phoneme replaced by others before ids are looked up (rarely used; {} in most voices). */
  phoneme_map: z.record(z.string(), z.array(z.string())).default({}),
  phoneme_id_map: z.record(z.string(), z.array(z.int().min(0))),
  num_speakers: z.int().min(1).default(1),
  speaker_id_map: z.record(z.string(), z.int().min(0)).default({}),
  language: z.object({ code: z.string() }).optional(),
});
export type PiperConfig = z.infer<typeof PiperConfig>;

export interface PiperVoiceModel {
  model: InstalledModel;
  onnxPath: string;
  config: PiperConfig;
  /** espeak-ng voice for its phonemes. */
  espeakVoice: string;
  /** The catalogue entry's settings. */
  settings: PiperSettings;
}

/**
 * The catalogue entry's `settings` the provider reads: the voice's locale ('en_GB', to prefer
 * voices of the wanted region). Everything else comes from the .onnx.json; a key spelt
 * otherwise is an error, not ignored.
 */
export const PiperSettings = z.strictObject({ locale: z.string().optional() });
export type PiperSettings = z.infer<typeof PiperSettings>;

/** The files a voice is opened from and the settings it is read with. */
export function piperModelFiles(model: InstalledModel): { onnx: string; config: string; settings: PiperSettings } {
  const parsed = PiperSettings.safeParse(model.entry.settings ?? {});
  if (!parsed.success) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the piper voice ${model.id} has settings this provider does not read (${z.prettifyError(parsed.error)}); it reads settings.locale only`);
  }
  const onnx = piperOnnxFile(model);
  return { onnx, config: `${onnx}.json`, settings: parsed.data };
}

/** The model file of a Piper voice: the one `.onnx` of the entry's files. */
export function piperOnnxFile(model: InstalledModel): string {
  const onnx = model.entry.files.filter((f) => f.path.endsWith('.onnx'));
  if (onnx.length !== 1) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the piper voice ${model.id} lists ${onnx.length} .onnx files; a Piper voice has exactly one (and its .onnx.json)`);
  }
  return onnx[0]!.path;
}

const loaded = new Map<string, Promise<PiperConfig>>();

/** Reads (once per thread and folder) and checks the voice's .onnx.json. */
export async function loadPiperVoice(model: InstalledModel): Promise<PiperVoiceModel> {
  const files = piperModelFiles(model);
  const configPath = model.file(files.config);
  let pending = loaded.get(configPath);
  if (!pending) {
    pending = readConfig(configPath, model.id);
    loaded.set(configPath, pending);
    pending.catch(() => loaded.delete(configPath));
  }
  const config = await pending;
  if (config.phoneme_type !== 'espeak') {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE',
      `the piper voice ${model.id} takes '${config.phoneme_type}' phonemes; dubarr runs voices trained on espeak-ng phonemes (phoneme_type "espeak"): pick another voice`);
  }
  const espeakVoice = config.espeak?.voice;
  if (!espeakVoice) throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the piper voice ${model.id} names no espeak-ng voice (espeak.voice in its .onnx.json)`);
  return { model, onnxPath: model.file(files.onnx), config, espeakVoice, settings: files.settings };
}

async function readConfig(path: string, id: string): Promise<PiperConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `cannot read the piper voice ${id}'s config ${path}: ${(e as Error).message}; pull the voice again (dubarr models pull ${id})`);
  }
  const parsed = PiperConfig.safeParse(raw);
  if (!parsed.success) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the piper voice ${id}'s config ${path} is not a Piper voice config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  for (const s of ['_', '^', '$']) {
    if (!parsed.data.phoneme_id_map[s]) throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the piper voice ${id}'s phoneme_id_map has no '${s}' (pad, start and end symbols are required)`);
  }
  return parsed.data;
}
