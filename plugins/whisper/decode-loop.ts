/**
 * Whisper's decoding loop on the merged decoder: the prompt runs once without the cache
 * (use_cache_branch false, empty past tensors), then one token at a time with it, feeding each
 * step's present.N.decoder.* back as past and keeping the first step's present.N.encoder.*
 * (the cross-attention keys and values, which the cache branch only returns as placeholders).
 * Greedy at temperature 0, seeded sampling above; the logit rules of logit-rules.ts apply.
 */
import type { Tensor } from 'onnxruntime-node';
import { throwIfCancelled, type Cancellation } from '../sdk/index.js';
import { applyLogitRules, logSoftmaxAt, pickToken } from './logit-rules.js';
import type { WhisperRuntime } from './whisper-runtime.js';

export interface DecodeRequest {
  prompt: readonly number[];
  timestamps: boolean;
  temperature: number;
  random: () => number;
  /** Most tokens to sample (the reference uses half the text context, 224). */
  maxTokens: number;
  /** Collect the alignment heads' cross-attention over the first `frames` encoder frames. */
  attentionFrames?: number;
  cancel?: Cancellation;
}

export interface Decoded {
  /** Sampled tokens, end-of-text excluded. */
  tokens: number[];
  /** Log-probability of each sampled token (and last, of end-of-text when it came). */
  logprobs: number[];
  sumLogprob: number;
  /** The reference's avg_logprob: sum over tokens and end-of-text, divided by tokens + 1. */
  avgLogprob: number;
  /** P(<|nospeech|>) right after <|startoftranscript|>. */
  noSpeechProb: number;
  temperature: number;
  /** Per sampled token (end-of-text included), the alignment heads' attention rows, [head][frame]. */
  attention?: Float32Array[];
  /** Self-attention cache length after the last step (prompt + tokens fed). */
  cacheLength: number;
  steps: number;
}

export async function decode(rt: WhisperRuntime, encoded: Tensor, r: DecodeRequest): Promise<Decoded> {
  const { config: c, ort } = rt;
  const empty = new ort.Tensor('float32', new Float32Array(0), [1, c.heads, 0, c.headDim]);
  const feeds: Record<string, Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(r.prompt, BigInt), [1, r.prompt.length]),
    encoder_hidden_states: encoded,
    use_cache_branch: new ort.Tensor('bool', [false], [1]),
  };
  for (let l = 0; l < c.layers; l++) {
    for (const part of ['decoder', 'encoder']) for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${part}.${kv}`] = empty;
  }
  const wantAttention = r.attentionFrames !== undefined && rt.crossAttentions && c.alignmentHeads.length > 0;
  const tokens: number[] = [];
  const logprobs: number[] = [];
  const attention: Float32Array[] = [];
  let noSpeechProb = 0;
  let cacheLength = 0;
  let steps = 0;
  for (;;) {
    if (r.cancel) throwIfCancelled(r.cancel);
    const out = await rt.run(rt.decoder, feeds);
    steps++;
    const logitsT = out.logits as Tensor;
    const [, S, V] = logitsT.dims as [number, number, number];
    const all = logitsT.data as Float32Array;
    if (steps === 1) noSpeechProb = c.noSpeech === undefined ? 0 : Math.exp(logSoftmaxAt(all.subarray(0, V), c.noSpeech));
    const row = all.slice((S - 1) * V, S * V);
    applyLogitRules(row, tokens, c, r.timestamps);
    const token = pickToken(row, r.temperature, r.random);
    logprobs.push(logSoftmaxAt(row, token));
    if (wantAttention) attention.push(alignmentRow(out, S, r.attentionFrames!, rt));
    cacheLength = (out['present.0.decoder.key'] as Tensor).dims[2]!;
    if (token === c.eot) break;
    tokens.push(token);
    if (tokens.length >= r.maxTokens || r.prompt.length + tokens.length >= c.maxTargetPositions) break;
    for (let l = 0; l < c.layers; l++) {
      for (const kv of ['key', 'value']) {
        feeds[`past_key_values.${l}.decoder.${kv}`] = out[`present.${l}.decoder.${kv}`] as Tensor;
        if (steps === 1) feeds[`past_key_values.${l}.encoder.${kv}`] = out[`present.${l}.encoder.${kv}`] as Tensor;
      }
    }
    feeds.input_ids = new ort.Tensor('int64', BigInt64Array.of(BigInt(token)), [1, 1]);
    feeds.use_cache_branch = new ort.Tensor('bool', [true], [1]);
  }
  const sumLogprob = logprobs.reduce((a, b) => a + b, 0);
  return {
    tokens, logprobs, sumLogprob, avgLogprob: sumLogprob / (tokens.length + 1), noSpeechProb,
    temperature: r.temperature, cacheLength, steps, ...(wantAttention ? { attention } : {}),
  };
}

/** The last position's cross-attention of each alignment head, over the window's frames: [head * frames]. */
function alignmentRow(out: Record<string, unknown>, S: number, frames: number, rt: WhisperRuntime): Float32Array {
  const heads = rt.config.alignmentHeads;
  const row = new Float32Array(heads.length * frames);
  heads.forEach(([layer, head], h) => {
    const t = out[`cross_attentions.${layer}`] as Tensor;
    const [, H, , F] = t.dims as [number, number, number, number];
    const data = t.data as Float32Array;
    const base = (head * S + (S - 1)) * F;
    if (head < H) row.set(data.subarray(base, base + Math.min(frames, F)), h * frames);
  });
  return row;
}

/** One encoder pass over a window's features [nMels, 3000]. */
export async function encode(rt: WhisperRuntime, features: Float32Array): Promise<Tensor> {
  const input = new rt.ort.Tensor('float32', features, [1, rt.config.nMels, features.length / rt.config.nMels]);
  const out = await rt.run(rt.encoder, { input_features: input });
  return out.last_hidden_state as Tensor;
}
