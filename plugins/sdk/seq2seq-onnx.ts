/**
 * Encoder-decoder generation on ONNX Runtime for the layout Hugging Face's exporter (optimum)
 * writes and Xenova's repositories ship: `encoder_model.onnx` and `decoder_model_merged.onnx`,
 * whose `use_cache_branch` input picks the first step (no past) or a step that reads the
 * key/value cache (`past_key_values.{l}.{decoder,encoder}.{key,value}`) and returns the grown
 * one (`present.*`). Marian (opus-mt), NLLB-200 and M2M-100 all use it.
 *
 * Several source texts run in one session.run: padded on the right to the longest, with an
 * attention mask. Rows that finish leave the batch (their cache rows are dropped), so a long
 * unit does not make the short ones pay for its steps. Greedy search, or a small beam search.
 *
 * The encoder's keys/values for cross-attention are computed by the first decoder step and
 * then kept: the with-past branch returns constants for them, not meant to be fed back.
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { DubarrError } from './errors.js';

/** What generation needs from config.json and generation_config.json. */
export interface Seq2SeqConfig {
  decoderStartTokenId: number;
  eosTokenId: number;
  padTokenId: number;
  /** Never generated (Marian: the pad token, which is also its decoder start). */
  suppressTokenIds: number[];
  /** The longest sequence positions exist for, source or output. */
  maxPositions: number;
  /** Upper bound on an output's length from generation_config (max_length), start token included. */
  maxLength: number;
  decoderHeads: number;
  headDim: number;
}

type Json = Record<string, unknown>;

export function readSeq2SeqConfig(config: Json, generation: Json = {}): Seq2SeqConfig {
  const pick = (key: string): unknown => generation[key] ?? config[key];
  const int = (key: string, fallback?: number): number => {
    const v = pick(key) ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the model's config.json has no usable ${key}; is this a translation model export?`);
    }
    return v;
  };
  const dModel = int('d_model');
  const decoderHeads = int('decoder_attention_heads');
  const bad = pick('bad_words_ids');
  const suppress = Array.isArray(bad) ? bad.filter((w): w is number[] => Array.isArray(w) && w.length === 1).map((w) => Number(w[0])) : [];
  return {
    decoderStartTokenId: int('decoder_start_token_id'),
    eosTokenId: int('eos_token_id'),
    padTokenId: int('pad_token_id'),
    suppressTokenIds: suppress,
    maxPositions: int('max_position_embeddings', 512),
    maxLength: int('max_length', 512),
    decoderHeads,
    headDim: dModel / decoderHeads,
  };
}

export interface Seq2SeqSessions {
  encoder: InferenceSession;
  decoder: InferenceSession;
}

export interface GenerateOptions {
  /** 1 = greedy. */
  beams: number;
  /** Forced as the first generated token (NLLB/M2M-100: the target language). */
  forcedFirstTokenId?: number;
  /** Most tokens generated for a source of this many tokens (the end token included). */
  maxNewTokens(sourceLength: number): number;
  /** Time inside session.run, added up (for the benchmark). */
  timing?: { sessionRunMs: number; runs: number };
}

/** The model's input and output names generation relies on, for onnxSession's `expect`. */
export const SEQ2SEQ_SIGNATURE = {
  encoder: { inputs: ['input_ids', 'attention_mask'], outputs: ['last_hidden_state'] },
  decoder: {
    inputs: ['encoder_attention_mask', 'input_ids', 'encoder_hidden_states', 'past_key_values.0.decoder.key', 'use_cache_branch'],
    outputs: ['logits', 'present.0.decoder.key', 'present.0.encoder.key'],
  },
} as const;

let ort: typeof import('onnxruntime-node') | undefined;
async function loadOrt(): Promise<typeof import('onnxruntime-node')> {
  ort ??= await import('onnxruntime-node');
  return ort;
}

/** Numeric row-major tensor data that can be cut into rows. */
interface Rows {
  data: Float32Array | BigInt64Array;
  dims: number[];
}

function gatherRows<T extends Rows>(t: T, rows: readonly number[]): T {
  const rowSize = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const out = new (t.data.constructor as { new(n: number): Float32Array | BigInt64Array })(rows.length * rowSize);
  rows.forEach((r, i) => (out as Float32Array).set((t.data as Float32Array).subarray(r * rowSize, (r + 1) * rowSize), i * rowSize));
  return { ...t, data: out, dims: [rows.length, ...t.dims.slice(1)] };
}

function isIdentity(rows: readonly number[], n: number): boolean {
  return rows.length === n && rows.every((r, i) => r === i);
}

interface Hypothesis {
  tokens: number[];
  /** Sum of log-probabilities of the generated tokens. */
  score: number;
}

/** One source's search: its live beams (rows of the batch) and its finished hypotheses. */
interface Search {
  live: Hypothesis[];
  done: Hypothesis[];
  maxNew: number;
  finished: boolean;
}

/** A hypothesis's score per generated token (length penalty 1, as Hugging Face's default). */
const normalized = (h: Hypothesis) => h.score / Math.max(1, h.tokens.length - 1);

/**
 * Generates one output token sequence per source (token ids with the source's special tokens
 * already in place). The result holds the generated tokens, without the decoder start token
 * and the end token.
 */
export async function generate(sessions: Seq2SeqSessions, config: Seq2SeqConfig, sources: readonly number[][], o: GenerateOptions): Promise<number[][]> {
  if (sources.length === 0) return [];
  const { Tensor } = await loadOrt();
  const k = Math.max(1, Math.floor(o.beams));
  const run = async (session: InferenceSession, feeds: Record<string, OrtTensor>) => {
    const t0 = performance.now();
    const out = await session.run(feeds);
    if (o.timing) {
      o.timing.sessionRunMs += performance.now() - t0;
      o.timing.runs++;
    }
    return out;
  };

  // Encoder: right-padded batch with its mask.
  const srcLen = Math.max(...sources.map((s) => s.length));
  const ids = new BigInt64Array(sources.length * srcLen).fill(BigInt(config.padTokenId));
  const mask = new BigInt64Array(sources.length * srcLen);
  sources.forEach((s, b) => s.forEach((id, i) => {
    ids[b * srcLen + i] = BigInt(id);
    mask[b * srcLen + i] = 1n;
  }));
  const encoded = await run(sessions.encoder, {
    input_ids: new Tensor('int64', ids, [sources.length, srcLen]),
    attention_mask: new Tensor('int64', mask, [sources.length, srcLen]),
  });
  const hidden = encoded.last_hidden_state!;
  if (hidden.type !== 'float32') {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the encoder returns ${hidden.type}, not float32: fp16 exports are not supported; use the fp32 or the quantized (int8) files`);
  }

  // Each source starts with one live hypothesis; a beam search widens to k after step one.
  const searches: Search[] = sources.map((s) => ({
    live: [{ tokens: [config.decoderStartTokenId], score: 0 }],
    done: [],
    maxNew: Math.max(1, Math.min(o.maxNewTokens(s.length), config.maxLength - 1, config.maxPositions - 1)),
    finished: false,
  }));
  // Row r of the batch is hypothesis rowHyp[r] of source rowSource[r].
  let rowSource = sources.map((_, i) => i);
  let encMask: Rows = { data: mask, dims: [sources.length, srcLen] };
  let encHidden: Rows = { data: hidden.data as Float32Array, dims: [...hidden.dims] };
  const pastNames = sessions.decoder.inputNames.filter((n) => n.startsWith('past_key_values.'));
  const decoderPast = pastNames.filter((n) => n.includes('.decoder.'));
  const encoderPast = pastNames.filter((n) => n.includes('.encoder.'));
  const empty = (rows: number): Rows => ({ data: new Float32Array(0), dims: [rows, config.decoderHeads, 0, config.headDim] });
  let past = new Map<string, Rows>(pastNames.map((n) => [n, empty(sources.length)]));
  const tensor = (r: Rows) => (r.data instanceof BigInt64Array
    ? new Tensor('int64', r.data, r.dims)
    : new Tensor('float32', r.data, r.dims));

  for (let step = 0; rowSource.length > 0; step++) {
    const rows = rowSource.length;
    const lastTokens = new BigInt64Array(rows);
    const rowHyps = hypothesesOfRows(searches, rowSource);
    rowHyps.forEach((h, r) => (lastTokens[r] = BigInt(h.tokens[h.tokens.length - 1]!)));
    const feeds: Record<string, OrtTensor> = {
      encoder_attention_mask: tensor(encMask),
      input_ids: new Tensor('int64', lastTokens, [rows, 1]),
      encoder_hidden_states: tensor(encHidden),
      use_cache_branch: new Tensor('bool', new Uint8Array([step > 0 ? 1 : 0]), [1]),
    };
    for (const [name, r] of past) feeds[name] = tensor(r);
    const out = await run(sessions.decoder, feeds);
    const logits = out.logits!;
    const vocab = logits.dims[2]!;
    const data = logits.data as Float32Array;

    const next = new Map<string, Rows>();
    for (const name of decoderPast) {
      const p = out[name.replace('past_key_values', 'present')]!;
      next.set(name, { data: p.data as Float32Array, dims: [...p.dims] });
    }
    for (const name of encoderPast) {
      if (step === 0) {
        const p = out[name.replace('past_key_values', 'present')]!;
        next.set(name, { data: p.data as Float32Array, dims: [...p.dims] });
      } else {
        next.set(name, past.get(name)!);
      }
    }

    // Choose the next tokens of every source, and which rows carry on (parent rows).
    const parents: number[] = [];
    const parentSource: number[] = [];
    let r0 = 0;
    for (let s = 0; s < searches.length; s++) {
      const search = searches[s]!;
      if (search.finished) continue;
      const rowsOfSource = search.live.length;
      for (const parent of advance(search, data, r0, vocab, step === 0 ? o.forcedFirstTokenId : undefined, k, config)) {
        parents.push(r0 + parent);
        parentSource.push(s);
      }
      r0 += rowsOfSource;
    }

    if (!isIdentity(parents, rows)) {
      // Rows of one source share its encoder rows: those move only when sources leave or widen.
      const sourcesMoved = !sameSources(rowSource, parentSource);
      for (const [name, r] of next) {
        if (sourcesMoved || decoderPast.includes(name)) next.set(name, gatherRows(r, parents));
      }
      if (sourcesMoved) {
        encMask = gatherRows(encMask, parents);
        encHidden = gatherRows(encHidden, parents);
      }
    }
    past = next;
    rowSource = parentSource;
  }

  return searches.map((s) => {
    const best = [...s.done].sort((a, b) => normalized(b) - normalized(a))[0]!;
    const tokens = best.tokens.slice(1);
    return tokens[tokens.length - 1] === config.eosTokenId ? tokens.slice(0, -1) : tokens;
  });
}

/**
 * One step of one source's search, from the logits of its rows (from `firstRow`): its live
 * hypotheses become the k best continuations, those that chose the end token join its finished
 * ones. Returns, for each new live hypothesis, the row (counted from firstRow) it continues.
 */
function advance(search: Search, logits: Float32Array, firstRow: number, vocab: number, forced: number | undefined, k: number, config: Seq2SeqConfig): number[] {
  const generated = search.live[0]!.tokens.length - 1;
  const allowed = (token: number) => {
    if (forced !== undefined) return token === forced;
    if (generated + 1 >= search.maxNew) return token === config.eosTokenId;
    return !config.suppressTokenIds.includes(token);
  };
  const candidates: Array<{ parent: number; token: number; score: number }> = [];
  search.live.forEach((h, r) => {
    const offset = (firstRow + r) * vocab;
    // Greedy search compares nothing across hypotheses: the raw logits rank as well.
    const logZ = k > 1 ? logSumExp(logits, offset, vocab) : 0;
    for (const c of topAllowed(logits, offset, vocab, 2 * k, allowed)) candidates.push({ parent: r, token: c.token, score: h.score + c.logit - logZ });
  });
  candidates.sort((a, b) => b.score - a.score);
  const live: Hypothesis[] = [];
  const parents: number[] = [];
  for (const c of candidates) {
    if (live.length >= k) break;
    const tokens = [...search.live[c.parent]!.tokens, c.token];
    if (c.token === config.eosTokenId) {
      search.done.push({ tokens, score: c.score });
    } else {
      live.push({ tokens, score: c.score });
      parents.push(c.parent);
    }
  }
  search.done.sort((a, b) => normalized(b) - normalized(a));
  search.done.length = Math.min(search.done.length, k);
  // Done when k hypotheses ended and the best live one scores below the worst of them at its
  // current length (Hugging Face's test with early_stopping off).
  const bestLive = live.length ? Math.max(...live.map(normalized)) : -Infinity;
  search.finished = live.length === 0 || (search.done.length >= k && bestLive <= normalized(search.done[search.done.length - 1]!));
  if (!search.finished) {
    search.live = live;
    return parents;
  }
  if (search.done.length === 0) search.done.push(...live);
  search.live = [];
  return [];
}

function hypothesesOfRows(searches: readonly Search[], rowSource: readonly number[]): Hypothesis[] {
  const out: Hypothesis[] = [];
  let last = -1;
  let i = 0;
  for (const s of rowSource) {
    i = s === last ? i + 1 : 0;
    last = s;
    out.push(searches[s]!.live[i]!);
  }
  return out;
}

function sameSources(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function logSumExp(data: Float32Array, offset: number, n: number): number {
  let max = -Infinity;
  for (let i = offset; i < offset + n; i++) if (data[i]! > max) max = data[i]!;
  let sum = 0;
  for (let i = offset; i < offset + n; i++) sum += Math.exp(data[i]! - max);
  return max + Math.log(sum);
}

/** The `count` best allowed tokens of one row of logits, best first (ties: the lower id, as argmax). */
function topAllowed(data: Float32Array, offset: number, n: number, count: number, allowed: (token: number) => boolean): Array<{ token: number; logit: number }> {
  const best: Array<{ token: number; logit: number }> = [];
  for (let t = 0; t < n; t++) {
    const v = data[offset + t]!;
    if (best.length === count && v <= best[best.length - 1]!.logit) continue;
    if (!allowed(t)) continue;
    let i = best.length;
    while (i > 0 && best[i - 1]!.logit < v) i--;
    best.splice(i, 0, { token: t, logit: v });
    if (best.length > count) best.pop();
  }
  return best;
}
