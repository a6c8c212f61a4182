/**
 * An installed encoder-decoder translation model (an opus-mt pair, NLLB-200, M2M-100) as a
 * Translator: texts are tokenized, sorted by length into batches of similar length (less
 * padding), generated (seq2seq-onnx.ts) and decoded, in their original order.
 *
 * Files, in the model folder (the Hugging Face layout of Xenova's exports): tokenizer.json,
 * tokenizer_config.json, config.json, generation_config.json (optional) and the two ONNX files.
 * These are `onnx/encoder_model.onnx` and `onnx/decoder_model_merged.onnx` unless the catalogue
 * entry names others: `settings.encoder` / `settings.decoder`, else the entry's files matching
 * encoder_model*.onnx / decoder_model_merged*.onnx (a quantized pair, say).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { InstalledModel } from './models.js';
import { DubarrError } from './errors.js';
import type { ExecutionProviderName } from './onnx-session.js';
import { onnxSession } from './onnx-session.js';
import { residentShares } from './resident-share.js';
import type { Logger } from './plugin.js';
import { generate, readSeq2SeqConfig, SEQ2SEQ_SIGNATURE, type Seq2SeqConfig, type Seq2SeqSessions } from './seq2seq-onnx.js';
import { loadSeq2SeqTokenizer, type Seq2SeqTokenizer } from './seq2seq-tokenizer.js';
import type { Translator } from './neural-translate.js';

export interface Seq2SeqTranslatorOptions {
  executionProviders: readonly ExecutionProviderName[];
  threads: number;
  beams: number;
  batchSize: number;
  log?: Logger;
  /** NLLB/M2M-100: the source language token put in place of the template's. */
  sourceToken?: string;
  /** NLLB/M2M-100: forced as the first generated token. */
  forcedTargetToken?: string;
  /** Multi-target opus-mt models: a >>xx<< token put before the source text. */
  targetPrefixToken?: string;
  /** Called between batches; throws to stop (cancellation). */
  checkpoint?(): void;
}

/** Where time went, for the benchmark. */
export interface TranslatorTiming {
  tokenizeMs: number;
  sessionRunMs: number;
  runs: number;
  totalMs: number;
  loadMs: number;
}

export interface Seq2SeqTranslator extends Translator {
  readonly tokenizer: Seq2SeqTokenizer;
  readonly config: Seq2SeqConfig;
  readonly timing: TranslatorTiming;
}

/** A source this much longer than its translation is unheard of; the cap stops a model that never ends. */
const OUTPUT_PER_SOURCE_TOKEN = 2;
const OUTPUT_SLACK = 10;

/**
 * The catalogue entry's `settings` this code reads (Marian and NLLB entries): nothing else, so a
 * key spelt differently in the catalogue is an error, not a default silently taken.
 */
export const Seq2SeqSettings = z.strictObject({
  /** The encoder's file among the entry's files (a quantized one, say). */
  encoder: z.string().optional(),
  /** The merged decoder's file. */
  decoder: z.string().optional(),
});

/** Files the translator reads besides the two graphs (generation_config.json only when there). */
export const SEQ2SEQ_JSON_FILES = { tokenizer: 'tokenizer.json', config: 'config.json' } as const;

export function modelOnnxFiles(model: InstalledModel): { encoder: string; decoder: string } {
  const parsed = Seq2SeqSettings.safeParse(model.entry.settings ?? {});
  if (!parsed.success) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the translation model ${model.id} has settings this provider does not read (${z.prettifyError(parsed.error)}); it reads settings.encoder and settings.decoder only`);
  }
  const settings = parsed.data;
  const pick = (key: 'encoder' | 'decoder', pattern: RegExp, fallback: string): string =>
    settings[key] ?? model.entry.files.find((f) => pattern.test(f.path))?.path ?? fallback;
  return {
    encoder: pick('encoder', /(^|\/)encoder_model[^/]*\.onnx$/, 'onnx/encoder_model.onnx'),
    decoder: pick('decoder', /(^|\/)decoder_model_merged[^/]*\.onnx$/, 'onnx/decoder_model_merged.onnx'),
  };
}

async function readJson(path: string, required: boolean): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `cannot read ${path}: ${(e as Error).message}; pull the model again`, { cause: e });
  }
}

export async function openSeq2SeqTranslator(model: InstalledModel, o: Seq2SeqTranslatorOptions): Promise<Seq2SeqTranslator> {
  const t0 = performance.now();
  const files = modelOnnxFiles(model);
  const [encoderMb, decoderMb] = residentShares(model, [files.encoder, files.decoder]);
  const session = (path: string, residentMb: number, expect: { inputs: readonly string[]; outputs: readonly string[] }) => onnxSession(model.file(path), {
    executionProviders: o.executionProviders, threads: o.threads, residentMb,
    label: `${model.id} ${path}`, log: o.log, expect,
  });
  const [tokenizer, config, generation, encoder, decoder] = await Promise.all([
    loadSeq2SeqTokenizer(model.dir),
    readJson(model.file(SEQ2SEQ_JSON_FILES.config), true),
    readJson(model.file('generation_config.json'), false),
    session(files.encoder, encoderMb!, SEQ2SEQ_SIGNATURE.encoder),
    session(files.decoder, decoderMb!, SEQ2SEQ_SIGNATURE.decoder),
  ]);
  const cfg = readSeq2SeqConfig(config, generation);
  const sessions: Seq2SeqSessions = { encoder: encoder.session, decoder: decoder.session };
  const timing: TranslatorTiming = { tokenizeMs: 0, sessionRunMs: 0, runs: 0, totalMs: 0, loadMs: performance.now() - t0 };
  const tokenId = (token: string | undefined, what: string) => {
    if (token === undefined) return undefined;
    const id = tokenizer.tokenId(token);
    if (id === undefined) throw new DubarrError('E_LANGUAGE_UNSUPPORTED', `${model.id} has no ${what} token ${token}`);
    return id;
  };
  const forced = tokenId(o.forcedTargetToken, 'target language');
  const prefix = tokenId(o.targetPrefixToken, 'target language');
  // Room for the special tokens around the text.
  const maxSource = cfg.maxPositions - 4;

  return {
    tokenizer,
    config: cfg,
    timing,
    async translate(texts, done) {
      const start = performance.now();
      let t = performance.now();
      const sources = texts.map((text) => {
        let ids = tokenizer.encode(text, o.sourceToken);
        if (prefix !== undefined) ids = [prefix, ...ids];
        if (ids.length > maxSource) {
          o.log?.warn({ model: model.id, tokens: ids.length, kept: maxSource }, 'a unit is longer than the model reads; its end is cut off');
          ids = [...ids.slice(0, maxSource - 1), ids[ids.length - 1]!];
        }
        return ids;
      });
      timing.tokenizeMs += performance.now() - t;
      // Similar lengths together: a batch pads to its longest source.
      const order = sources.map((_, i) => i).sort((a, b) => sources[a]!.length - sources[b]!.length);
      const out = new Array<string>(texts.length);
      for (let b = 0; b < order.length; b += o.batchSize) {
        o.checkpoint?.();
        const batch = order.slice(b, b + o.batchSize);
        const generated = await generate(sessions, cfg, batch.map((i) => sources[i]!), {
          beams: o.beams,
          forcedFirstTokenId: forced,
          maxNewTokens: (n) => OUTPUT_PER_SOURCE_TOKEN * n + OUTPUT_SLACK,
          timing,
        });
        t = performance.now();
        batch.forEach((i, k) => (out[i] = tokenizer.decode(generated[k]!)));
        timing.tokenizeMs += performance.now() - t;
        done(Math.min(texts.length, b + batch.length));
      }
      timing.totalMs += performance.now() - start;
      return out;
    },
  };
}
