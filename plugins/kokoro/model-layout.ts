/**
 * An installed Kokoro model (onnx-community/Kokoro-82M-v1.0-ONNX layout): `onnx/model*.onnx`,
 * `tokenizer.json` (its `model.vocab` maps each phoneme symbol to an id; "$", id 0, pads both
 * ends), and `voices/<name>.bin`: raw little-endian float32 style vectors, 510 rows of 256, the
 * row for an input of n phonemes being row n. A voice's name says its language and gender:
 * "af_heart" is American English (a), female (f).
 *
 * The catalogue entry's `settings` may name the files: `model` (which .onnx of the entry),
 * `sampleRate`, `styleDim`, `voices: [{name, file, language, espeak, gender}]`; without them the
 * layout above is assumed: the entry's one .onnx file, 24 kHz, every voices/*.bin of the entry.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { DubarrError } from '../sdk/errors.js';
import type { InstalledModel } from '../sdk/models.js';
import type { CastableVoice } from '../sdk/voice-casting.js';
import { KOKORO_LANGUAGES } from './kokoro-phonemes.js';

/** Exactly the keys read here: a key spelt otherwise in the catalogue is an error, not ignored. */
export const KokoroSettings = z.strictObject({
  model: z.string().optional(),
  sampleRate: z.int().min(8000).max(96_000).optional(),
  styleDim: z.int().positive().optional(),
  voices: z.array(z.strictObject({
    name: z.string(), file: z.string(), language: z.string().optional(), espeak: z.string().optional(),
    gender: z.enum(['female', 'male']).optional(),
  })).optional(),
});

export interface KokoroVoice extends CastableVoice {
  /** Its file, absolute. */
  file: string;
  /** dubarr language code ('en'). */
  language: string;
  /** The espeak-ng voice its phonemes come from ('en-gb'). */
  espeak: string;
}

export interface KokoroLayout {
  modelFile: string;
  sampleRate: number;
  styleDim: number;
  /** Voices Kokoro speaks from espeak-ng phonemes, in the entry's order. */
  voices: KokoroVoice[];
}

export function kokoroLayout(model: InstalledModel): KokoroLayout {
  const parsed = KokoroSettings.safeParse(model.entry.settings ?? {});
  if (!parsed.success) throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the kokoro model ${model.id} has settings this provider cannot read: ${parsed.error.message}`);
  const settings = parsed.data;
  const paths = model.entry.files.map((f) => f.path);
  const onnx = settings.model ? [settings.model] : paths.filter((p) => p.endsWith('.onnx'));
  if (onnx.length !== 1 || !paths.includes(onnx[0]!)) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the kokoro model ${model.id} must name one .onnx file of its files (settings.model); it has ${paths.filter((p) => p.endsWith('.onnx')).join(', ') || 'none'}`);
  }
  type Listed = NonNullable<typeof settings.voices>[number];
  const listed: Listed[] = settings.voices ?? paths.filter((p) => /^voices\/[^/]+\.bin$/.test(p)).map((file) => ({ name: basename(file, '.bin'), file }));
  const missing = listed.find((v) => !paths.includes(v.file));
  if (missing) throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the kokoro model ${model.id} lists the voice ${missing.name} in ${missing.file}, which is not one of its files`);
  const known = new Map((model.entry.voice?.speakers ?? []).map((s) => [s.name, s]));
  const voices = listed.flatMap((v): KokoroVoice[] => {
    const lang = KOKORO_LANGUAGES[v.name[0] ?? ''];
    if (!lang) return [];
    const byName = v.name[1] === 'f' ? 'female' : v.name[1] === 'm' ? 'male' : undefined;
    return [{
      id: v.name, file: model.file(v.file), language: v.language ?? lang.language, espeak: v.espeak ?? lang.espeak,
      gender: v.gender ?? known.get(v.name)?.gender ?? byName, age: known.get(v.name)?.age,
    }];
  });
  return { modelFile: model.file(onnx[0]!), sampleRate: settings.sampleRate ?? 24_000, styleDim: settings.styleDim ?? 256, voices };
}

const vocabs = new Map<string, Promise<Map<string, number>>>();

/** The file the phoneme vocabulary is read from: tokenizer.json, else a config.json with `vocab` (hexgrad's layout). */
export function vocabFile(model: InstalledModel): string {
  return model.entry.files.some((f) => f.path === 'tokenizer.json') ? 'tokenizer.json' : 'config.json';
}

/** tokenizer.json's model.vocab (or config.json's `vocab`), per thread. */
export function loadVocab(model: InstalledModel): Promise<Map<string, number>> {
  const file = vocabFile(model);
  const path = model.file(file);
  let pending = vocabs.get(path);
  if (!pending) {
    pending = readFile(path, 'utf8').then((text) => {
      const doc = JSON.parse(text) as { model?: { vocab?: unknown }; vocab?: unknown };
      const vocab = z.record(z.string(), z.int().min(0)).safeParse(doc.model?.vocab ?? doc.vocab);
      if (!vocab.success) throw new Error(`no phoneme vocabulary in it (model.vocab)`);
      return new Map(Object.entries(vocab.data));
    }).catch((e: unknown) => {
      throw new DubarrError('E_PROVIDER_UNAVAILABLE', `cannot read the kokoro model ${model.id}'s ${file}: ${(e as Error).message}; pull it again (dubarr models pull ${model.id})`);
    });
    vocabs.set(path, pending);
    pending.catch(() => vocabs.delete(path));
  }
  return pending;
}

const styles = new Map<string, Promise<Float32Array>>();

/** A voice's style rows, per thread. */
export function loadStyles(voice: KokoroVoice, styleDim: number): Promise<Float32Array> {
  let pending = styles.get(voice.file);
  if (!pending) {
    pending = readFile(voice.file).then((buf) => {
      if (buf.length === 0 || buf.length % (4 * styleDim) !== 0) {
        throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the kokoro voice ${voice.id} (${voice.file}) is ${buf.length} bytes, not rows of ${styleDim} float32: pull the model again`);
      }
      // Copied: the Buffer's bytes may not be 4-byte aligned for a Float32Array view.
      const rows = new Float32Array(buf.length / 4);
      for (let i = 0; i < rows.length; i++) rows[i] = buf.readFloatLE(i * 4);
      return rows;
    });
    styles.set(voice.file, pending);
    pending.catch(() => styles.delete(voice.file));
  }
  return pending;
}

/** The style for an input of `tokens` phonemes (pads not counted): that row, or the last. */
export function styleFor(rows: Float32Array, styleDim: number, tokens: number): Float32Array {
  const row = Math.min(Math.max(tokens, 0), rows.length / styleDim - 1);
  return rows.subarray(row * styleDim, (row + 1) * styleDim);
}
