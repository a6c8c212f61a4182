/**
 * What Whisper may say next, as the reference decoder constrains it: never control tokens;
 * at the first position not a blank or end-of-text; and with timestamps, OpenAI's timestamp
 * rules: the first token is a timestamp no later than the initial limit, timestamps come in
 * pairs (except right before end-of-text), never go back, and a timestamp is forced when
 * timestamps together are likelier than any single text token. Logits are edited in place.
 */
import type { WhisperConfig } from './model-config.js';

export function applyLogitRules(logits: Float32Array, sampled: readonly number[], c: WhisperConfig, timestamps: boolean): void {
  const V = logits.length;
  const tb = c.timestampBegin;
  for (const t of c.suppress) if (t < V) logits[t] = -Infinity;
  if (sampled.length === 0) for (const t of c.beginSuppress) if (t < V) logits[t] = -Infinity;
  logits[c.noTimestamps] = -Infinity;
  if (!timestamps) {
    logits.fill(-Infinity, tb);
    return;
  }
  const last = sampled.at(-1);
  const lastWasTs = last !== undefined && last >= tb;
  const penultimateWasTs = sampled.length < 2 || sampled[sampled.length - 2]! >= tb;
  if (lastWasTs) {
    if (penultimateWasTs) logits.fill(-Infinity, tb);
    else logits.fill(-Infinity, 0, c.eot);
  }
  let lastTs = -1;
  for (const t of sampled) if (t >= tb) lastTs = t;
  if (lastTs >= 0) {
    // Not back in time; a segment that just opened may not close at its own start.
    const from = lastWasTs && !penultimateWasTs ? lastTs : lastTs + 1;
    logits.fill(-Infinity, tb, Math.min(V, from));
  }
  if (sampled.length === 0) {
    logits.fill(-Infinity, 0, tb);
    if (c.maxInitialTimestampIndex !== null) logits.fill(-Infinity, Math.min(V, tb + c.maxInitialTimestampIndex + 1));
  }
  // Timestamps as a whole likelier than the best text token: take a timestamp.
  let max = -Infinity;
  for (let i = 0; i < V; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) return;
  let tsSum = 0;
  let textMax = -Infinity;
  for (let i = 0; i < tb; i++) if (logits[i]! > textMax) textMax = logits[i]!;
  for (let i = tb; i < V; i++) tsSum += Math.exp(logits[i]! - max);
  if (Math.log(tsSum) + max > textMax) logits.fill(-Infinity, 0, tb);
}

/** log-softmax of one entry. */
export function logSoftmaxAt(logits: Float32Array, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return logits[index]! - max - Math.log(sum);
}

/** A small seeded generator (mulberry32), so a sampled fallback decodes the same every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** The next token: the best at temperature 0, else drawn from softmax(logits / temperature). */
export function pickToken(logits: Float32Array, temperature: number, random: () => number): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature <= 0) return best;
  const max = logits[best]!;
  let sum = 0;
  const p = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) sum += p[i] = Math.exp((logits[i]! - max) / temperature);
  let u = random() * sum;
  for (let i = 0; i < p.length; i++) {
    u -= p[i]!;
    if (u <= 0 && p[i]! > 0) return i;
  }
  return best;
}
