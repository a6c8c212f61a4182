/**
 * The tiny Kokoro (test/fixtures/onnx/kokoro_tiny.py) installed as model folders, for the
 * kokoro tests and the benchmark. The builder says what its weights do: 24 kHz, 100 ms of
 * silence, then 120 samples per input id at speed 1, a cosine whose amplitude is the id plus
 * the style row and whose period is the voice's.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyModel, installTinyModel, testEntry } from '../../test/fixtures/tiny-models.js';

export const TINY_RATE = 24_000;
export const TINY_HOP = 120;
export const TINY_LEAD = 2400;
/** Voice periods in samples: 500, 250, 400, 200, 600 and 300 Hz. */
export const TINY_VOICES = { af_tiny: 48, am_tiny: 96, bf_tiny: 60, ef_tiny: 120, em_tiny: 40, jf_tiny: 80 } as const;

export interface TinyKokoro {
  /** models.dir holding them. */
  root: string;
  /** The model's vocabulary (tokenizer.json's model.vocab). */
  vocab: Map<string, number>;
}

/**
 * `kokoro-82m` (the default id) with settings as the catalogue gives them (voices listed af,
 * bf, am, ...; am_tiny known to be old), and `kokoro-plain`: the same files, no settings.
 */
export async function installTinyKokoro(root?: string): Promise<TinyKokoro> {
  const dir = root ?? await mkdtemp(join(tmpdir(), 'dubarr-kokoro-models-'));
  const built = await buildTinyModel('kokoro_tiny.py', ['--voices', Object.entries(TINY_VOICES).map(([n, p]) => `${n}:${p}`).join(',')]);
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', ...Object.keys(TINY_VOICES).map((n) => `voices/${n}.bin`)];
  const listed = ['af_tiny', 'bf_tiny', 'am_tiny', 'ef_tiny', 'em_tiny', 'jf_tiny'].map((name) => ({ name, file: `voices/${name}.bin` }));
  await installTinyModel(dir, built, {
    ...testEntry({
      id: 'kokoro-82m', task: 'tts', provider: 'kokoro', languages: ['en', 'es', 'ja'],
      voice: { speakers: [{ id: 0, name: 'am_tiny', gender: 'male', age: 'old' }] },
      settings: { model: 'onnx/model.onnx', sampleRate: TINY_RATE, styleDim: 256, voices: listed },
    }),
    files,
  });
  await installTinyModel(dir, built, { ...testEntry({ id: 'kokoro-plain', task: 'tts', provider: 'kokoro', languages: ['en'] }), files });
  const vocab = JSON.parse(await readFile(join(built, 'tokenizer.json'), 'utf8')).model.vocab as Record<string, number>;
  return { root: dir, vocab: new Map(Object.entries(vocab)) };
}
