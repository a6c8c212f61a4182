/**
 * Spoken-language identification with Whisper's own head: one decoder step on
 * <|startoftranscript|> alone, the logits over the language tokens as probabilities
 * (softmax among them), averaged over a few windows weighted by how sure the model is that
 * they hold speech.
 */
import type { Tensor } from 'onnxruntime-node';
import { languageCode } from '../sdk/index.js';
import { logSoftmaxAt } from './logit-rules.js';
import type { WhisperRuntime } from './whisper-runtime.js';

export interface WindowLanguages { probabilities: Map<string, number>; noSpeechProb: number }

export async function windowLanguages(rt: WhisperRuntime, encoded: Tensor): Promise<WindowLanguages> {
  const { config: c, ort } = rt;
  const empty = new ort.Tensor('float32', new Float32Array(0), [1, c.heads, 0, c.headDim]);
  const feeds: Record<string, Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(c.sot)), [1, 1]),
    encoder_hidden_states: encoded,
    use_cache_branch: new ort.Tensor('bool', [false], [1]),
  };
  for (let l = 0; l < c.layers; l++) for (const p of ['decoder', 'encoder']) for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${p}.${kv}`] = empty;
  const out = await rt.run(rt.decoder, feeds);
  const logits = (out.logits as Tensor).data as Float32Array;
  const V = (out.logits as Tensor).dims[2]!;
  const row = logits.subarray(0, V);
  const noSpeechProb = c.noSpeech === undefined ? 0 : Math.exp(logSoftmaxAt(row, c.noSpeech));
  let max = -Infinity;
  for (const id of c.languages.values()) max = Math.max(max, row[id]!);
  let sum = 0;
  const probabilities = new Map<string, number>();
  for (const [code, id] of c.languages) {
    const p = Math.exp(row[id]! - max);
    probabilities.set(code, p);
    sum += p;
  }
  for (const [code, p] of probabilities) probabilities.set(code, p / sum);
  return { probabilities, noSpeechProb };
}

/** Several windows' verdicts as one: weighted by their speech probability. Best first. */
export function combineLanguages(windows: readonly WindowLanguages[]): Array<{ language: string; confidence: number }> {
  const total = new Map<string, number>();
  let weight = 0;
  for (const w of windows) {
    const k = Math.max(1e-3, 1 - w.noSpeechProb);
    weight += k;
    for (const [code, p] of w.probabilities) total.set(code, (total.get(code) ?? 0) + k * p);
  }
  return [...total].map(([language, p]) => ({ language, confidence: weight > 0 ? p / weight : 0 }))
    .sort((a, b) => b.confidence - a.confidence);
}

/** Whisper's language codes are ISO 639-1 except a few; as dubarr names them. */
export function fromWhisperCode(code: string): string {
  if (code === 'jw') return 'jv';
  return languageCode(code) ?? code;
}

/** The model's token for a language dubarr names ('pt-BR' -> 'pt', 'jv' -> 'jw'), if it has one. */
export function toWhisperCode(tag: string, known: ReadonlyMap<string, number>): string | undefined {
  const code = languageCode(tag) ?? tag.toLowerCase();
  const candidates = code === 'jv' ? ['jw', 'jv'] : [code];
  return candidates.find((c) => known.has(c));
}
