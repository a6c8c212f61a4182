/**
 * Tiny Piper voices (test/fixtures/onnx/piper_tiny.py) installed as model folders, for the
 * piper tests and the benchmark. The builder says what their weights do: 16 kHz, 64 samples
 * per input id at length_scale 1, a cosine whose amplitude is the id and whose period is the
 * speaker's.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyModel, installTinyModel, testEntry } from '../../test/fixtures/tiny-models.js';
import type { ModelEntry } from '../sdk/models.js';

export const TINY_RATE = 16_000;
export const TINY_HOP = 64;

export interface TinyVoiceSpec {
  id: string;
  locale: string;
  name: string;
  quality?: string;
  espeak: string;
  /** Speaker names of a multi-speaker voice. */
  speakers?: string[];
  /** Period in samples per speaker (default 32, 64, 16). */
  periods?: number[];
  /** Symbols left out of its phoneme_id_map. */
  drop?: string;
  entry?: Partial<ModelEntry>;
}

/** The .onnx path inside the folder, as rhasspy/piper-voices lays it out. */
export function tinyVoiceOnnx(s: TinyVoiceSpec): string {
  const quality = s.quality ?? 'medium';
  return `${s.locale.split('_')[0]}/${s.locale}/${s.name}/${quality}/${s.locale}-${s.name}-${quality}.onnx`;
}

export async function installTinyVoice(root: string, s: TinyVoiceSpec): Promise<string> {
  const args = ['--locale', s.locale, '--name', s.name, '--quality', s.quality ?? 'medium', '--espeak', s.espeak];
  if (s.speakers) args.push('--speakers', s.speakers.join(','));
  if (s.periods) args.push('--periods', s.periods.join(','));
  if (s.drop) args.push('--drop', s.drop);
  const built = await buildTinyModel('piper_tiny.py', args);
  const onnx = tinyVoiceOnnx(s);
  const language = s.locale.split('_')[0]!;
  return installTinyModel(root, built, { ...testEntry({ id: s.id, task: 'tts', provider: 'piper', languages: [language], ...s.entry }), files: [onnx, `${onnx}.json`] });
}

/** An English voice installed under the id a user would pull first, in a new models dir. */
export async function installTinyEnglish(): Promise<{ root: string; id: string }> {
  const root = await mkdtemp(join(tmpdir(), 'dubarr-piper-models-'));
  const id = 'piper-en-us-lessac-medium';
  await installTinyVoice(root, { id, locale: 'en_US', name: 'tiny', espeak: 'en-us', entry: { voice: { gender: 'female', quality: 'medium' } } });
  return { root, id };
}
