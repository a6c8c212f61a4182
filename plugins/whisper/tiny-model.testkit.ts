/**
 * The tiny Whisper of test/fixtures/onnx/whisper_tiny.py, built once per run and installed as
 * model folders, for the whisper tests and the benchmark. See the builder for what its weights
 * do: the tests assert what the provider's code must make of them.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyModel, installTinyModel, testEntry } from '../../test/fixtures/tiny-models.js';
import { MODEL_FILES } from './model-config.js';

export const TINY_FILES = Object.values(MODEL_FILES);

export interface TinyWhisper {
  /** models.dir holding them. */
  root: string;
  /** With cross_attentions outputs, installed as `whisper-base` (the default model id). */
  withAttention: string;
  /** Without them (word times by length). */
  plain: string;
  /** 128 mel bands, as large-v3 takes. */
  mels128: string;
}

export async function installTinyWhispers(root?: string): Promise<TinyWhisper> {
  const dir = root ?? await mkdtemp(join(tmpdir(), 'whisper-models-'));
  const entry = (id: string) => ({ ...testEntry({ id, task: 'asr', provider: 'whisper', languages: ['en', 'es', 'fr', 'de'] }), files: TINY_FILES });
  const [att, plain, m128] = await Promise.all([
    buildTinyModel('whisper_tiny.py', ['--attentions']),
    buildTinyModel('whisper_tiny.py', []),
    buildTinyModel('whisper_tiny.py', ['--mels', '128', '--attentions']),
  ]);
  return {
    root: dir,
    withAttention: await installTinyModel(dir, att, entry('whisper-base')),
    plain: await installTinyModel(dir, plain, entry('whisper-tiny-plain')),
    mels128: await installTinyModel(dir, m128, entry('whisper-tiny-128')),
  };
}
