/**
 * ONNX Runtime sessions for neural providers: one per (model file, settings) per worker thread,
 * kept for the thread's life (creating one costs from tens of milliseconds to seconds), on the
 * first execution provider of the list that loads, with a log line saying which ran.
 *
 * Module state is per thread, so a session is never shared across worker threads.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { z } from 'zod';
import { DubarrError } from './errors.js';
import type { Logger } from './plugin.js';

export const EXECUTION_PROVIDERS = ['tensorrt', 'cuda', 'cpu'] as const;
export type ExecutionProviderName = (typeof EXECUTION_PROVIDERS)[number];

/** The options every ONNX provider plugin takes, spread into its zod schema. */
export const onnxRuntimeOptions = {
  /** Tried in order; the first that loads runs the model ('cpu' always does). */
  executionProviders: z.array(z.enum(EXECUTION_PROVIDERS)).min(1).default(['cpu']),
  /** ONNX Runtime intra-op threads per session; the worker pool already runs stages in parallel. */
  threads: z.int().min(1).max(64).default(1),
};

export interface OnnxSessionOptions {
  executionProviders?: readonly ExecutionProviderName[];
  threads?: number;
  /** Memory the loaded session takes (the catalogue's residentMb), for models.maxResidentMb. */
  residentMb?: number;
  /** For messages: the model id. */
  label?: string;
  log?: Logger;
  /** Input and output names the file must have, so a wrong file fails with a clear message. */
  expect?: { inputs?: readonly string[]; outputs?: readonly string[] };
}

export interface OnnxSession {
  session: InferenceSession;
  /** The execution provider it runs on. */
  provider: ExecutionProviderName;
  /** Time spent creating it (0 when reused). */
  loadMs: number;
}

const sessions = new Map<string, Promise<{ session: InferenceSession; provider: ExecutionProviderName }>>();
let created = 0;

/** Sessions this thread created; lets tests see that a second run reuses one. */
export function onnxSessionsCreated(): number {
  return created;
}

export async function onnxSession(path: string, o: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const providers = o.executionProviders ?? ['cpu'];
  const threads = o.threads ?? 1;
  const key = `${providers.join(',')}:${threads}:${path}`;
  const cached = sessions.get(key);
  if (cached) return { ...(await cached), loadMs: 0 };
  const t0 = performance.now();
  const pending = createSession(path, providers, threads, o);
  sessions.set(key, pending);
  pending.catch(() => sessions.delete(key));
  return { ...(await pending), loadMs: performance.now() - t0 };
}

async function loadOrt(): Promise<typeof import('onnxruntime-node')> {
  // ORT >= 1.29 sends usage telemetry unless told not to; dubarr runs offline.
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
  return import('onnxruntime-node').catch((e: unknown) => {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `onnxruntime-node failed to load: ${(e as Error).message}; reinstall dependencies with \`npm ci\``, { cause: e });
  });
}

async function createSession(path: string, providers: readonly ExecutionProviderName[], threads: number, o: OnnxSessionOptions) {
  const ort = await loadOrt();
  const failures: string[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(path, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
      created++;
      checkSignature(session, path, o);
      o.log?.info({ model: o.label ?? path, executionProvider: provider, tried: failures }, `ONNX model on ${provider}`);
      return { session, provider };
    } catch (e) {
      if (e instanceof DubarrError) throw e;
      failures.push(`${provider}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new DubarrError('E_PROVIDER_UNAVAILABLE', `cannot load the ONNX model ${o.label ?? path} on any of ${providers.join(', ')}: ${failures.join('; ')}`);
}

function checkSignature(session: InferenceSession, path: string, o: OnnxSessionOptions): void {
  const missingIn = (o.expect?.inputs ?? []).filter((n) => !session.inputNames.includes(n));
  const missingOut = (o.expect?.outputs ?? []).filter((n) => !session.outputNames.includes(n));
  if (missingIn.length || missingOut.length) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE',
      `${o.label ?? path} is not the model this provider runs: it lacks ${[...missingIn.map((n) => `input ${n}`), ...missingOut.map((n) => `output ${n}`)].join(', ')}`);
  }
}
