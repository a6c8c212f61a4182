/**
 * One 30 s window, decoded the way the reference transcriber guards against hallucination:
 * greedy first, then sampling at rising temperatures while the text is too repetitive
 * (gzip compression ratio above compressionRatioThreshold) or too unlikely (average
 * log-probability below logprobThreshold), unless the model thinks there is no speech at all;
 * a window whose no-speech probability passes noSpeechThreshold, and whose text is not
 * confident, is dropped as silence or music.
 */
import { deflateSync } from 'node:zlib';
import type { Tensor } from 'onnxruntime-node';
import type { Cancellation } from '../sdk/index.js';
import { decode, type Decoded } from './decode-loop.js';
import { seededRandom } from './logit-rules.js';
import type { WhisperRuntime } from './whisper-runtime.js';

export interface FallbackOptions {
  temperatures: readonly number[];
  compressionRatioThreshold: number | null;
  logprobThreshold: number | null;
  noSpeechThreshold: number | null;
  maxTokensPerWindow: number;
  seed: number;
}

export interface WindowResult {
  decoded: Decoded;
  text: string;
  compressionRatio: number;
  /** Temperatures tried before the one kept, with why each failed. */
  rejected: Array<{ temperature: number; why: string }>;
  /** Dropped as no speech. */
  skipped: boolean;
}

/** gzip's view of repetition: text bytes over deflated bytes (zlib format, as Python's zlib.compress). */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return 0;
  return bytes.length / deflateSync(bytes).length;
}

export async function decodeWindow(
  rt: WhisperRuntime, encoded: Tensor, prompt: readonly number[], o: FallbackOptions & { timestamps: boolean; attentionFrames?: number; windowIndex: number; cancel?: Cancellation },
): Promise<WindowResult> {
  const rejected: WindowResult['rejected'] = [];
  let result: WindowResult | undefined;
  for (const temperature of o.temperatures) {
    const random = seededRandom(o.seed * 1_000_003 + o.windowIndex * 131 + Math.round(temperature * 100));
    const decoded = await decode(rt, encoded, {
      prompt, timestamps: o.timestamps, temperature, random, maxTokens: o.maxTokensPerWindow, attentionFrames: o.attentionFrames, cancel: o.cancel,
    });
    const text = rt.config.tokenizer.decode(decoded.tokens.filter((t) => t < rt.config.eot));
    const ratio = compressionRatio(text);
    let why: string | undefined;
    if (o.compressionRatioThreshold !== null && ratio > o.compressionRatioThreshold) why = `compression ratio ${ratio.toFixed(2)} > ${o.compressionRatioThreshold}`;
    else if (o.logprobThreshold !== null && decoded.avgLogprob < o.logprobThreshold) why = `average log-probability ${decoded.avgLogprob.toFixed(2)} < ${o.logprobThreshold}`;
    // Silence: no use trying harder to find words in it.
    if (o.noSpeechThreshold !== null && decoded.noSpeechProb > o.noSpeechThreshold) why = undefined;
    result = { decoded, text, compressionRatio: ratio, rejected: [...rejected], skipped: false };
    if (!why) break;
    rejected.push({ temperature, why });
  }
  const r = result!;
  const quiet = o.noSpeechThreshold !== null && r.decoded.noSpeechProb > o.noSpeechThreshold;
  const confident = o.logprobThreshold !== null && r.decoded.avgLogprob > o.logprobThreshold;
  r.skipped = quiet && !confident;
  return r;
}
