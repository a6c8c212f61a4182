/**
 * Neural models as providers see them: a catalogue entry (what the model is, where it comes
 * from, its files with checksums) and, once pulled, a folder `<models.dir>/<id>/` holding the
 * files and `dubarr-model.json` (the entry, written last, after every checksum passed: a folder
 * without it is never loaded). Providers name models by id in their options (`model: whisper-base`);
 * an absolute path to such a folder works too (tests, hand-made models).
 *
 * The runtime calls setModelsDir(models.dir) on its main thread, and the stage pool hands the
 * folder to each worker thread it starts (module state is per thread).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DubarrError } from './errors.js';

/** What a model does; a provider accepts the tasks it runs. */
export const MODEL_TASKS = ['asr', 'mt', 'tts', 'segmentation', 'speaker-embedding', 'separate'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export const ModelFile = z.strictObject({
  /** Path inside the repository at `revision`, and inside the installed folder. */
  path: z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a relative path without ..'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.int().min(0),
});
export type ModelFile = z.infer<typeof ModelFile>;

export const ModelEntry = z.strictObject({
  /** Lower-case, [a-z0-9.-]; what config, presets and the CLI use. */
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  task: z.enum(MODEL_TASKS),
  /** The plugin that runs it (whisper, marian, nllb, piper, kokoro, diarize, separate). */
  provider: z.string().min(1),
  title: z.string().optional(),
  /** Languages it handles ('*' = any); for translation, `pairs` when it is not many-to-many. */
  languages: z.union([z.literal('*'), z.array(z.string())]),
  pairs: z.array(z.tuple([z.string(), z.string()])).optional(),
  /** Download size, and memory a loaded session takes (what models.maxResidentMb counts). */
  sizeMb: z.number().positive(),
  residentMb: z.number().positive(),
  license: z.string().min(1),
  source: z.strictObject({
    /** Hugging Face repository, 'owner/name'. */
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
    /** A commit hash (pinned), so the checksums hold. */
    revision: z.string().min(1),
  }),
  /** Gated on Hugging Face: HF_TOKEN of an account that accepted the licence is needed. */
  gated: z.boolean().optional(),
  files: z.array(ModelFile).min(1),
  /** For voices: who it sounds like, so a speaker can be given a fitting voice. */
  voice: z.strictObject({
    gender: z.enum(['female', 'male']).optional(),
    age: z.enum(['child', 'young', 'adult', 'old']).optional(),
    /** Multi-speaker voices: the speakers, by speaker id, where known. */
    speakers: z.array(z.strictObject({
      id: z.int().min(0), name: z.string().optional(),
      gender: z.enum(['female', 'male']).optional(), age: z.enum(['child', 'young', 'adult', 'old']).optional(),
    })).optional(),
    quality: z.string().optional(),
  }).optional(),
  /** What pulling it improves, for people ('speech recognition: Whisper instead of pocketsphinx'). */
  improves: z.string().optional(),
  /** Provider-specific settings the files do not carry (say, a separation model's FFT size). */
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type ModelEntry = z.infer<typeof ModelEntry>;

/** Written into an installed model's folder, last. */
export const INSTALLED_MANIFEST = 'dubarr-model.json';

let currentModelsDir: string | undefined;

/** Set by the runtime (main thread) and the stage worker (each worker thread). */
export function setModelsDir(dir: string): void {
  currentModelsDir = dir;
}

/** models.dir, as the runtime set it; ./data/models when nothing did (the default's place). */
export function modelsDir(): string {
  return currentModelsDir ?? resolve('data', 'models');
}

/** The catalogue shipped with dubarr: `models/catalogue.yaml` at the package root. */
export function cataloguePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      readFileSync(join(dir, 'package.json'));
      return join(dir, 'models', 'catalogue.yaml');
    } catch { /* go up */ }
    const up = dirname(dir);
    if (up === dir) throw new DubarrError('E_INTERNAL', 'cannot find the package root above plugins/sdk');
    dir = up;
  }
}

let catalogueCache: readonly ModelEntry[] | undefined;

/** The catalogue's entries, validated (read once per thread). */
export function readCatalogue(path = cataloguePath()): readonly ModelEntry[] {
  if (path === cataloguePath() && catalogueCache) return catalogueCache;
  const doc = parseYaml(readFileSync(path, 'utf8')) as { models?: unknown };
  const parsed = z.array(ModelEntry).safeParse(doc?.models ?? []);
  if (!parsed.success) throw new DubarrError('E_INTERNAL', `the model catalogue ${path} is invalid: ${parsed.error.message}`);
  const ids = new Set<string>();
  for (const m of parsed.data) {
    if (ids.has(m.id)) throw new DubarrError('E_INTERNAL', `the model catalogue ${path} lists ${m.id} twice`);
    ids.add(m.id);
  }
  if (path === cataloguePath()) catalogueCache = parsed.data;
  return parsed.data;
}

export function catalogueEntry(id: string): ModelEntry | undefined {
  return readCatalogue().find((m) => m.id === id);
}

/** An installed model: its folder and entry. */
export interface InstalledModel {
  id: string;
  dir: string;
  entry: ModelEntry;
  /** Absolute path of one of its files (by its catalogue path). */
  file(path: string): string;
}

/** Where a model reference (an id, or an absolute path to a model folder) lives. */
export function modelFolder(ref: string): string {
  return isAbsolute(ref) ? ref : join(modelsDir(), ref);
}

/**
 * The installed model a provider option names, checked to be of the task it runs. Throws
 * E_MODEL_MISSING (with the pull command) when it is not installed.
 */
export async function openModel(ref: string, want: { task?: ModelTask | readonly ModelTask[]; provider?: string } = {}): Promise<InstalledModel> {
  const dir = modelFolder(ref);
  let raw: string;
  try {
    raw = await readFile(join(dir, INSTALLED_MANIFEST), 'utf8');
  } catch {
    const known = isAbsolute(ref) ? undefined : catalogueEntry(ref);
    throw new DubarrError('E_MODEL_MISSING', isAbsolute(ref)
      ? `${dir} is not an installed model (no ${INSTALLED_MANIFEST} in it)`
      : known ? `the model ${ref} is not downloaded: dubarr models pull ${ref}` : `no model ${ref} is installed, and the catalogue has none of that id (dubarr models list)`,
    { details: { model: ref } });
  }
  const parsed = ModelEntry.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new DubarrError('E_MODEL_MISSING', `${join(dir, INSTALLED_MANIFEST)} is not a valid model manifest: ${parsed.error.message}`, { details: { model: ref } });
  const entry = parsed.data;
  const tasks = want.task === undefined ? undefined : ([] as ModelTask[]).concat(want.task);
  if (tasks && !tasks.includes(entry.task)) {
    throw new DubarrError('E_INVALID_ARGUMENT', `the model ${entry.id} is for ${entry.task}; this step needs a model for ${tasks.join(' or ')}`, { details: { model: ref } });
  }
  if (want.provider && entry.provider !== want.provider) {
    throw new DubarrError('E_INVALID_ARGUMENT', `the model ${entry.id} is run by the ${entry.provider} provider, not ${want.provider}`, { details: { model: ref } });
  }
  return { id: entry.id, dir, entry, file: (p) => join(dir, p) };
}

/** Whether openModel(ref) would succeed (for `available()`: quick, never throws). */
export async function modelInstalled(ref: string): Promise<boolean> {
  try {
    await readFile(join(modelFolder(ref), INSTALLED_MANIFEST));
    return true;
  } catch {
    return false;
  }
}

/** The engine fingerprint of a model reference: a digest of its installed folder. */
export async function modelFingerprint(ref: string): Promise<string> {
  const { engineTreeFingerprint } = await import('./file-fingerprint.js');
  return engineTreeFingerprint(modelFolder(ref));
}
