/**
 * What the provider reads from a Whisper export's JSON files (config.json,
 * generation_config.json, preprocessor_config.json, tokenizer.json) as published in the
 * onnx-community / Xenova repositories: dimensions, the special token ids and the decoding
 * hints (suppressed tokens, the initial-timestamp limit, the cross-attention heads that align
 * words to audio).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DubarrError } from '../sdk/index.js';
import type { InstalledModel } from '../sdk/models.js';
import { WhisperTokenizer } from './tokenizer.js';

/** The model folder's layout (paths inside it); entry.settings.encoder / .decoder pick other ONNX files (e.g. quantized). */
export const MODEL_FILES = {
  encoder: 'onnx/encoder_model.onnx',
  decoder: 'onnx/decoder_model_merged.onnx',
  config: 'config.json',
  generation: 'generation_config.json',
  preprocessor: 'preprocessor_config.json',
  tokenizer: 'tokenizer.json',
} as const;

const Config = z.object({
  d_model: z.int().positive(),
  decoder_layers: z.int().positive(),
  decoder_attention_heads: z.int().positive(),
  num_mel_bins: z.int().positive().optional(),
  max_target_positions: z.int().positive().default(448),
  vocab_size: z.int().positive(),
});

const Generation = z.object({
  decoder_start_token_id: z.int(),
  eos_token_id: z.union([z.int(), z.array(z.int())]),
  no_timestamps_token_id: z.int(),
  is_multilingual: z.boolean().default(false),
  lang_to_id: z.record(z.string(), z.int()).default({}),
  task_to_id: z.record(z.string(), z.int()).default({}),
  suppress_tokens: z.array(z.int()).default([]),
  begin_suppress_tokens: z.array(z.int()).default([]),
  max_initial_timestamp_index: z.int().nullable().default(50),
  alignment_heads: z.array(z.tuple([z.int(), z.int()])).default([]),
  prev_sot_token_id: z.int().optional(),
});

const Preprocessor = z.object({ feature_size: z.int().positive(), sampling_rate: z.literal(16000).default(16000) });

export interface WhisperConfig {
  nMels: number;
  layers: number;
  heads: number;
  headDim: number;
  vocabSize: number;
  maxTargetPositions: number;
  sot: number;
  eot: number;
  noTimestamps: number;
  timestampBegin: number;
  noSpeech: number | undefined;
  transcribe: number | undefined;
  multilingual: boolean;
  /** Language code ('en', 'yue') to token id. */
  languages: Map<string, number>;
  /** Always suppressed: the export's list plus the tokens that are never text (prompt/control tokens). */
  suppress: number[];
  beginSuppress: number[];
  maxInitialTimestampIndex: number | null;
  alignmentHeads: Array<[layer: number, head: number]>;
  tokenizer: WhisperTokenizer;
}

async function readJson(model: InstalledModel, path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(model.file(path), 'utf8'));
  } catch (e) {
    throw new DubarrError('E_MODEL_MISSING', `the whisper model ${model.id} lacks a readable ${path} (${(e as Error).message}): dubarr models pull ${model.id} again`);
  }
}

function parse<T>(schema: z.ZodType<T>, doc: unknown, model: InstalledModel, path: string): T {
  const r = schema.safeParse(doc);
  if (!r.success) throw new DubarrError('E_MODEL_MISSING', `${model.id}/${path} is not a Whisper export's ${path}: ${z.prettifyError(r.error)}`);
  return r.data;
}

export async function readWhisperConfig(model: InstalledModel): Promise<WhisperConfig> {
  const config = parse(Config, await readJson(model, MODEL_FILES.config), model, MODEL_FILES.config);
  const gen = parse(Generation, await readJson(model, MODEL_FILES.generation), model, MODEL_FILES.generation);
  const pre = parse(Preprocessor, await readJson(model, MODEL_FILES.preprocessor), model, MODEL_FILES.preprocessor);
  const tokenizer = new WhisperTokenizer(await readJson(model, MODEL_FILES.tokenizer));
  const eot = Array.isArray(gen.eos_token_id) ? gen.eos_token_id[0]! : gen.eos_token_id;
  const languages = new Map<string, number>();
  for (const [tok, id] of Object.entries(gen.lang_to_id)) languages.set(tok.replace(/^<\|/, '').replace(/\|>$/, ''), id);
  const noSpeech = tokenizer.specialId('<|nospeech|>') ?? tokenizer.specialId('<|nocaptions|>');
  const control = [gen.decoder_start_token_id, gen.prev_sot_token_id, tokenizer.specialId('<|startoflm|>'), noSpeech,
    ...Object.values(gen.task_to_id), ...languages.values()].filter((x): x is number => x !== undefined);
  return {
    nMels: pre.feature_size,
    layers: config.decoder_layers,
    heads: config.decoder_attention_heads,
    headDim: config.d_model / config.decoder_attention_heads,
    vocabSize: config.vocab_size,
    maxTargetPositions: config.max_target_positions,
    sot: gen.decoder_start_token_id,
    eot,
    noTimestamps: gen.no_timestamps_token_id,
    timestampBegin: gen.no_timestamps_token_id + 1,
    noSpeech,
    transcribe: gen.task_to_id.transcribe,
    multilingual: gen.is_multilingual && languages.size > 0,
    languages,
    suppress: [...new Set([...gen.suppress_tokens, ...control])],
    beginSuppress: gen.begin_suppress_tokens,
    maxInitialTimestampIndex: gen.max_initial_timestamp_index,
    alignmentHeads: gen.alignment_heads,
    tokenizer,
  };
}
