/**
 * A Whisper export opened for decoding: the encoder and merged-decoder sessions (cached per
 * worker thread by onnxSession), the model's config, and time spent inside session.run, so
 * the benchmark can tell the model's time from ours.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { z } from 'zod';
import { DubarrError, type Logger } from '../sdk/index.js';
import { openModel, type InstalledModel } from '../sdk/models.js';
import { onnxSession, type ExecutionProviderName } from '../sdk/onnx-session.js';
import { residentShares } from '../sdk/resident-share.js';
import { MODEL_FILES, readWhisperConfig, type WhisperConfig } from './model-config.js';

export type Ort = typeof import('onnxruntime-node');

export interface WhisperRuntime {
  model: InstalledModel;
  config: WhisperConfig;
  ort: Ort;
  encoder: InferenceSession;
  decoder: InferenceSession;
  /** The decoder was exported with its cross-attention weights (cross_attentions.N outputs): word timing by DTW. */
  crossAttentions: boolean;
  provider: ExecutionProviderName;
  /** Milliseconds inside session.run since the runtime was opened (encoder, decoder). */
  timing: { encoderMs: number; decoderMs: number };
  run(session: InferenceSession, feeds: Record<string, Tensor>): Promise<InferenceSession.OnnxValueMapType>;
}

export interface RuntimeOptions {
  model: string;
  executionProviders: readonly ExecutionProviderName[];
  threads: number;
}

/**
 * The catalogue entry's `settings` the provider reads: which ONNX files to load (the layout's
 * fp32 names otherwise). Nothing else: a key spelt differently is an error, not ignored.
 */
export const WhisperSettings = z.strictObject({
  /** The encoder among the entry's files (e.g. onnx/encoder_model_quantized.onnx). */
  encoder: z.string().optional(),
  /** The merged decoder (decoder_model_merged*.onnx: one graph with and without the KV cache). */
  decoder: z.string().optional(),
});

/** Every file an installed Whisper is opened from: its two graphs and its JSON files. */
export function whisperModelFiles(model: InstalledModel): { encoder: string; decoder: string; json: readonly string[] } {
  const parsed = WhisperSettings.safeParse(model.entry.settings ?? {});
  if (!parsed.success) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the whisper model ${model.id} has settings this provider does not read (${z.prettifyError(parsed.error)}); it reads settings.encoder and settings.decoder only`);
  }
  const { encoder = MODEL_FILES.encoder, decoder = MODEL_FILES.decoder } = parsed.data;
  return { encoder, decoder, json: [MODEL_FILES.config, MODEL_FILES.generation, MODEL_FILES.preprocessor, MODEL_FILES.tokenizer] };
}

export async function openWhisper(o: RuntimeOptions, log?: Logger): Promise<WhisperRuntime> {
  const model = await openModel(o.model, { task: 'asr', provider: 'whisper' });
  const config = await readWhisperConfig(model);
  const files = whisperModelFiles(model);
  // One model in two sessions: each counts its share of residentMb against models.maxResidentMb.
  const [encoderMb, decoderMb] = residentShares(model, [files.encoder, files.decoder]);
  const common = { executionProviders: o.executionProviders, threads: o.threads, log };
  const enc = await onnxSession(model.file(files.encoder), {
    ...common, residentMb: encoderMb, label: `${model.id} encoder`, expect: { inputs: ['input_features'], outputs: ['last_hidden_state'] },
  });
  const dec = await onnxSession(model.file(files.decoder), {
    ...common, residentMb: decoderMb, label: `${model.id} decoder`,
    expect: {
      inputs: ['input_ids', 'encoder_hidden_states', 'use_cache_branch', 'past_key_values.0.decoder.key', 'past_key_values.0.encoder.key'],
      outputs: ['logits', 'present.0.decoder.key', 'present.0.encoder.key'],
    },
  });
  for (const [s, name] of [[enc.session, 'encoder'], [dec.session, 'decoder']] as const) {
    const wrong = s.inputMetadata.find((m) => m.isTensor && m.type !== 'float32' && m.type !== 'int64' && m.type !== 'bool');
    if (wrong) {
      throw new DubarrError('E_PROVIDER_UNAVAILABLE',
        `${model.id}: the ${name} takes ${wrong.name} as ${wrong.isTensor ? wrong.type : '?'}; the whisper provider runs exports with float32 inputs (fp32 or quantized files), not fp16 ones: point entry settings.${name} at such a file`);
    }
  }
  const ort = await import('onnxruntime-node');
  const timing = { encoderMs: 0, decoderMs: 0 };
  return {
    model, config, ort, encoder: enc.session, decoder: dec.session, provider: dec.provider, timing,
    crossAttentions: dec.session.outputNames.includes('cross_attentions.0'),
    async run(session, feeds) {
      const t0 = performance.now();
      try {
        return await session.run(feeds);
      } finally {
        timing[session === enc.session ? 'encoderMs' : 'decoderMs'] += performance.now() - t0;
      }
    },
  };
}
