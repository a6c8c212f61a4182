/**
 * One ONNX Runtime session per (weights, threads) per thread, kept for the life of the worker:
 * creating one costs 40-160 ms, and the pool runs many VAD jobs. Module state is per thread,
 * so a session is never shared across worker threads.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { DubarrError } from '../sdk/index.js';
import { timeOnnxRuns } from '../sdk/onnx-session.js';

export interface LoadedSession {
  session: InferenceSession;
  /** Time spent creating it (0 for the jobs that reuse it). */
  loadMs: number;
}

const sessions = new Map<string, Promise<InferenceSession>>();
let created = 0;

/** How many sessions this thread has created; lets tests see that a second job reuses one. */
export function sessionsCreated(): number {
  return created;
}

export async function sileroSession(path: string, threads: number): Promise<LoadedSession> {
  const key = `${threads}:${path}`;
  const cached = sessions.get(key);
  if (cached) return { session: await cached, loadMs: 0 };
  const t0 = performance.now();
  const pending = createSession(path, threads);
  sessions.set(key, pending);
  // A failed load must not poison the cache: the next job retries (say, after a reinstall).
  pending.catch(() => sessions.delete(key));
  return { session: await pending, loadMs: performance.now() - t0 };
}

async function createSession(path: string, threads: number): Promise<InferenceSession> {
  const ort = await import('onnxruntime-node').catch((e: unknown) => {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `onnxruntime-node failed to load: ${(e as Error).message}; reinstall dependencies with \`npm ci\``, { cause: e });
  });
  try {
    const session = await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Upstream's export carries unused initializers; ORT's warnings about them are noise.
      logSeverityLevel: 3,
    });
    created++;
    checkSignature(session, path);
    // Counted into onnxRunTime(), for `npm run bench -- onnx`.
    timeOnnxRuns(session);
    return session;
  } catch (e) {
    if (e instanceof DubarrError) throw e;
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `cannot load the Silero VAD model ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function checkSignature(session: InferenceSession, path: string): void {
  const has = (names: readonly string[], want: string[]) => want.every((n) => names.includes(n));
  if (!has(session.inputNames, ['input', 'state']) || !has(session.outputNames, ['output', 'stateN'])) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE',
      `${path} is not a Silero VAD v5 model (inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`);
  }
}
