/**
 * Every entry of the shipped catalogue (models/catalogue.yaml), installed as the model manager
 * leaves it (its files at their paths + dubarr-model.json = the entry), opened by its provider's
 * own resolution code: the code each stage runs before it creates an ONNX session (which files,
 * which settings). The catalogue and the seven providers were written apart and nothing can be
 * downloaded here, so without this a file name or settings key that does not match would only
 * show on a user's machine, or not at all (a misspelt key quietly replaced by a default).
 *
 * The files are stand-ins: placeholder bytes, except the JSON files the resolution code parses
 * (minimal valid documents). What the real files contain is tested by each provider's tests on
 * tiny models with the real signatures.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { INSTALLED_MANIFEST, openModel, readCatalogue, type InstalledModel, type ModelEntry } from '../../plugins/sdk/models.js';
import { modelOnnxFiles, SEQ2SEQ_JSON_FILES } from '../../plugins/sdk/seq2seq-translator.js';
import { whisperModelFiles } from '../../plugins/whisper/whisper-runtime.js';
import { readWhisperConfig } from '../../plugins/whisper/model-config.js';
import { WhisperOptions } from '../../plugins/whisper/options.js';
import { entryPairs, FIRST_MODEL } from '../../plugins/marian/pairs.js';
import { NllbOptions } from '../../plugins/nllb/options.js';
import { loadPiperVoice } from '../../plugins/piper/voice-config.js';
import { PiperOptions } from '../../plugins/piper/options.js';
import { kokoroLayout, loadVocab, vocabFile } from '../../plugins/kokoro/model-layout.js';
import { KokoroOptions } from '../../plugins/kokoro/options.js';
import { openEmbeddingModel, openSegmentationModel } from '../../plugins/diarize/model-files.js';
import { DiarizeOptions } from '../../plugins/diarize/options.js';
import { separationModel } from '../../plugins/separate/model-settings.js';
import { SeparateOptions } from '../../plugins/separate/options.js';

let root: string;
before(async () => { root = await mkdtemp(join(tmpdir(), 'dubarr-catalogue-providers-')); });
after(async () => { await rm(root, { recursive: true, force: true }); });

/** The least a parsed file must hold for the resolution code to read it. */
function standIn(path: string, entry: ModelEntry): string {
  const name = path.split('/').pop()!;
  if (name.endsWith('.onnx.json')) {
    // A Piper voice's own config; a multi-speaker voice names its speakers as the entry does.
    const speakers = entry.voice?.speakers ?? [];
    return JSON.stringify({
      audio: { sample_rate: 22050 }, espeak: { voice: 'en-us' }, phoneme_type: 'espeak',
      phoneme_id_map: { _: [0], '^': [1], $: [2], a: [3] },
      num_speakers: Math.max(1, speakers.length),
      speaker_id_map: Object.fromEntries(speakers.map((s) => [s.name ?? String(s.id), s.id])),
    });
  }
  switch (name) {
    case 'tokenizer.json': return JSON.stringify({ model: { vocab: { $: 0, a: 1 } }, added_tokens: [] });
    case 'config.json': return JSON.stringify({ d_model: 8, decoder_layers: 1, decoder_attention_heads: 2, vocab_size: 4 });
    case 'generation_config.json': return JSON.stringify({ decoder_start_token_id: 1, eos_token_id: 0, no_timestamps_token_id: 2 });
    case 'preprocessor_config.json': return JSON.stringify({ feature_size: 80 });
    default: return `stand-in for ${path}`;
  }
}

async function install(entry: ModelEntry, folder = entry.id): Promise<string> {
  const dir = join(root, folder);
  for (const f of entry.files) {
    await mkdir(dirname(join(dir, f.path)), { recursive: true });
    await writeFile(join(dir, f.path), standIn(f.path, entry));
  }
  await writeFile(join(dir, INSTALLED_MANIFEST), JSON.stringify(entry));
  return dir;
}

/**
 * Opens the installed model as its provider does; returns the files it would load (paths inside
 * the folder). Throws whatever the provider throws.
 */
async function resolveAsProvider(dir: string, entry: ModelEntry): Promise<string[]> {
  const model: InstalledModel = await openModel(dir, { task: entry.task, provider: entry.provider });
  const inside = (abs: string) => abs.slice(dir.length + 1);
  switch (entry.provider) {
    case 'whisper': {
      const files = whisperModelFiles(model);
      await readWhisperConfig(model);
      return [files.encoder, files.decoder, ...files.json];
    }
    case 'marian':
    case 'nllb': {
      if (entry.provider === 'marian') assert.ok(entryPairs(entry).length > 0, `${entry.id}: marian finds no pair in it`);
      const files = modelOnnxFiles(model);
      return [files.encoder, files.decoder, ...Object.values(SEQ2SEQ_JSON_FILES)];
    }
    case 'piper': {
      const voice = await loadPiperVoice(model);
      assert.equal(voice.settings.locale, entry.settings?.locale, `${entry.id}: the locale piper ranks voices by`);
      return [inside(voice.onnxPath), `${inside(voice.onnxPath)}.json`];
    }
    case 'kokoro': {
      const layout = kokoroLayout(model);
      const listed = (entry.settings?.voices ?? []) as unknown[];
      assert.equal(layout.voices.length, listed.length, `${entry.id}: every listed voice is one kokoro can speak`);
      await loadVocab(model);
      return [inside(layout.modelFile), ...layout.voices.map((v) => inside(v.file)), vocabFile(model)];
    }
    case 'diarize': {
      const opened = entry.task === 'segmentation' ? await openSegmentationModel(dir) : await openEmbeddingModel(dir);
      return [inside(opened.onnx)];
    }
    case 'separate':
      return [inside(separationModel(model).onnx)];
    default:
      throw new Error(`${entry.id}: provider ${entry.provider} has no case here; add how it opens its models`);
  }
}

test('every catalogue entry opens with its provider, which picks files the entry has', async () => {
  const entries = readCatalogue();
  assert.ok(entries.length >= 35, 'the shipped catalogue');
  const problems: string[] = [];
  for (const entry of entries) {
    const dir = await install(entry);
    const paths = new Set(entry.files.map((f) => f.path));
    try {
      const picked = await resolveAsProvider(dir, entry);
      for (const p of picked) if (!paths.has(p)) problems.push(`${entry.id}: ${entry.provider} opens ${p}, which the entry does not list`);
      if (!picked.some((p) => p.endsWith('.onnx'))) problems.push(`${entry.id}: no ONNX file picked`);
    } catch (e) {
      problems.push(`${entry.id}: ${(e as Error).message}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('a settings key spelt otherwise in the catalogue (or renamed in a provider) fails to open, never silently defaults', async () => {
  for (const entry of readCatalogue().filter((e) => e.settings && Object.keys(e.settings).length > 0)) {
    for (const key of Object.keys(entry.settings!)) {
      const { [key]: value, ...rest } = entry.settings!;
      const renamed = { ...entry, settings: { ...rest, [`${key}Renamed`]: value } };
      const dir = await install(renamed, `${entry.id}.renamed-${key}`);
      await assert.rejects(resolveAsProvider(dir, renamed), /settings|Renamed/, `${entry.id}: settings.${key} renamed is noticed`);
    }
  }
});

test("each provider's default model is a catalogue entry it runs", () => {
  const byId = new Map(readCatalogue().map((e) => [e.id, e]));
  const defaults: Array<[string, string, string]> = [
    ['whisper', WhisperOptions.parse({}).model, 'asr'],
    ['marian', FIRST_MODEL, 'mt'],
    ['nllb', NllbOptions.parse({}).model, 'mt'],
    ['piper', PiperOptions.parse({}).model, 'tts'],
    ['kokoro', KokoroOptions.parse({}).model, 'tts'],
    ['diarize', DiarizeOptions.parse({}).segmentationModel, 'segmentation'],
    ['diarize', DiarizeOptions.parse({}).embeddingModel, 'speaker-embedding'],
    ['separate', SeparateOptions.parse({}).model, 'separate'],
  ];
  for (const [provider, id, task] of defaults) {
    const entry = byId.get(id);
    assert.ok(entry, `${provider}'s default model ${id} is in the catalogue`);
    assert.equal(entry.provider, provider, id);
    assert.equal(entry.task, task, id);
  }
});
