/**
 * ONNX Runtime sessions for neural providers: one per (model file, settings) per thread, kept
 * while there is room (creating one costs from tens of milliseconds to seconds), on the first
 * execution provider of the list that loads, with a log line saying which ran and why the
 * ones before it did not.
 *
 * Memory: a session counts its model's resident size (the catalogue's residentMb) against
 * models.maxResidentMb for the whole process (model-budget.ts). To load one past it, sessions
 * of this thread no running stage uses are released, least recently used first; if that is not
 * enough, the other threads are asked to release theirs and the stage fails with E_MODEL_MEMORY,
 * which the runtime retries.
 *
 * GPU: a stage that runs a model on CUDA or TensorRT holds one of models.gpuConcurrency tokens
 * from its first GPU session until it returns, so two big models never run on one GPU at once;
 * others wait for a token (cancellable). Which stage is using what comes from the model lease
 * every stage runs in (model-lease.ts), so providers only call onnxSession().
 *
 * Module state is per thread, so a session is never shared across worker threads.
 */
import { stat } from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import { z } from 'zod';
import { DubarrError } from './errors.js';
import { EXECUTION_PROVIDERS, GPU_PROVIDERS, providerProblem, type ExecutionProviderName } from './execution-providers.js';
import { modelBudget, type ModelBudget } from './model-budget.js';
import { currentModelLease, endStandingLease, type ModelLease } from './model-lease.js';
import type { Logger } from './plugin.js';

export { EXECUTION_PROVIDERS, type ExecutionProviderName } from './execution-providers.js';

// ONNX Runtime >= 1.29 sends usage telemetry unless told not to; dubarr runs offline. ORT reads
// the variable from the process environment, which only the main thread's process.env writes
// to (a worker's is a copy): ONNX plugins import this module from their index.ts, which the
// plugin host loads on the main thread. An explicit ORT_DISABLE_TELEMETRY wins.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export interface OnnxDefaults {
  executionProviders: readonly ExecutionProviderName[];
  threads: number;
}

let defaults: OnnxDefaults = { executionProviders: ['cpu'], threads: 1 };

/**
 * The options every ONNX provider plugin takes, spread into its zod schema. Their defaults are
 * models.executionProviders and models.threads as this thread was told them (setOnnxDefaults),
 * read when the options are parsed: the runtime sets them before it loads the plugins.
 */
export const onnxRuntimeOptions = {
  /** Tried in order; the first that loads runs the model, and the ones after it take the operators it cannot. */
  executionProviders: z.array(z.enum(EXECUTION_PROVIDERS)).min(1)
    .refine((l) => new Set(l).size === l.length, 'each execution provider at most once')
    .default(() => [...defaults.executionProviders]),
  /** ONNX Runtime intra-op threads per session. */
  threads: z.int().min(1).max(64).default(() => defaults.threads),
};

/** models.executionProviders and models.threads: set by the runtime and in each worker thread. */
export function setOnnxDefaults(d: Partial<OnnxDefaults>): void {
  defaults = { ...defaults, ...d };
}

export interface OnnxSessionOptions {
  executionProviders?: readonly ExecutionProviderName[];
  threads?: number;
  /** Memory the loaded session takes (the catalogue's residentMb); default: the file's size. */
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

interface Entry {
  key: string;
  label: string;
  session: InferenceSession;
  provider: ExecutionProviderName;
  residentMb: number;
  /** Stage runs (leases) using it now; with none it is idle and may be released. */
  users: Set<ModelLease>;
  lastUsed: number;
  released: boolean;
}

const entries = new Map<string, Entry>();
const loading = new Map<string, Promise<Entry>>();
let clock = 0;
let created = 0;
const runs = { count: 0, ms: 0 };

/** Sessions this thread created; lets tests see that a second run reuses one. */
export function onnxSessionsCreated(): number {
  return created;
}

/** Time this thread spent inside session.run of sessions made here (and timeOnnxRuns ones). */
export function onnxRunTime(): { runs: number; ms: number } {
  return { runs: runs.count, ms: runs.ms };
}

/** This thread's loaded sessions, least recently used first. */
export function loadedOnnxSessions(): Array<{ label: string; provider: ExecutionProviderName; residentMb: number; busy: boolean }> {
  return [...entries.values()].sort((a, b) => a.lastUsed - b.lastUsed)
    .map((e) => ({ label: e.label, provider: e.provider, residentMb: e.residentMb, busy: e.users.size > 0 }));
}

export async function onnxSession(path: string, o: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const providers = o.executionProviders ?? defaults.executionProviders;
  const threads = o.threads ?? defaults.threads;
  const key = `${providers.join(',')}:${threads}:${path}`;
  const lease = currentModelLease();
  const t0 = performance.now();
  for (;;) {
    let entry = entries.get(key);
    const reused = entry !== undefined;
    if (!entry) {
      let pending = loading.get(key);
      if (!pending) {
        pending = load(key, path, providers, threads, o, lease);
        loading.set(key, pending);
        pending.then(() => loading.delete(key), () => loading.delete(key));
      }
      entry = await pending;
    }
    // Released to make room between its load and now (another stage's load in this thread): load again.
    if (entry.released) continue;
    use(entry, lease);
    if (GPU_PROVIDERS.includes(entry.provider)) await holdGpu(lease);
    return { session: entry.session, provider: entry.provider, loadMs: reused ? 0 : performance.now() - t0 };
  }
}

/**
 * Releases this thread's sessions no stage is using, and ends the standing lease first (so
 * sessions made outside any stage count as unused). For tests, benchmarks and scripts.
 */
export async function releaseOnnxSessions(): Promise<number> {
  endStandingLease();
  const idle = [...entries.values()].filter((e) => e.users.size === 0);
  await Promise.all(idle.map((e) => release(e)));
  return idle.length;
}

/** Counts the time of `session.run` calls into onnxRunTime() (for sessions not made here). */
export function timeOnnxRuns(session: InferenceSession): void {
  const run = session.run.bind(session) as (...a: unknown[]) => Promise<InferenceSession.ReturnType>;
  const timed = async (...a: unknown[]) => {
    const t0 = performance.now();
    try {
      return await run(...a);
    } finally {
      runs.count++;
      runs.ms += performance.now() - t0;
    }
  };
  Object.assign(session, { run: timed });
}

async function loadOrt(): Promise<typeof import('onnxruntime-node')> {
  return import('onnxruntime-node').catch((e: unknown) => {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `onnxruntime-node failed to load: ${(e as Error).message}; reinstall dependencies with \`npm ci\``, { cause: e });
  });
}

async function load(key: string, path: string, providers: readonly ExecutionProviderName[], threads: number, o: OnnxSessionOptions, lease: ModelLease): Promise<Entry> {
  const label = o.label ?? path;
  const size = await stat(path).then((s) => s.size, () => {
    throw new DubarrError('E_MODEL_MISSING', `the model file ${path} (${label}) is missing: check the model with \`dubarr models verify\` or pull it again`, { details: { model: label } });
  });
  const residentMb = Math.max(1, Math.ceil(o.residentMb ?? size / 1048576));
  const ort = await loadOrt();
  const backends = ort.listSupportedBackends();
  const skipped: string[] = [];
  let reserved = false;
  let lastError: unknown;
  try {
    for (let i = 0; i < providers.length; i++) {
      const provider = providers[i]!;
      const problem = providerProblem(provider, backends);
      if (problem) { skipped.push(`${provider}: ${problem}`); continue; }
      const onGpu = GPU_PROVIDERS.includes(provider);
      const tookGpu = onGpu ? await holdGpu(lease) : false;
      if (!reserved) {
        try {
          makeRoom(residentMb, label, o.log);
        } catch (e) {
          if (tookGpu) dropGpu(lease);
          throw e;
        }
        reserved = true;
      }
      // The providers after this one take the operators it cannot run (ORT adds the CPU anyway).
      const chain = providers.slice(i).filter((p) => !providerProblem(p, backends));
      let session: InferenceSession;
      try {
        session = await ort.InferenceSession.create(path, {
          executionProviders: [...chain],
          intraOpNumThreads: threads,
          interOpNumThreads: 1,
          executionMode: 'sequential',
          graphOptimizationLevel: 'all',
          logSeverityLevel: 3,
        });
      } catch (e) {
        if (tookGpu) dropGpu(lease);
        lastError = e;
        skipped.push(`${provider}: ${firstLine(e)}`);
        continue;
      }
      created++;
      try {
        checkSignature(session, label, o);
      } catch (e) {
        await session.release().catch(() => undefined);
        throw e;
      }
      timeOnnxRuns(session);
      const entry: Entry = { key, label, session, provider, residentMb, users: new Set(), lastUsed: ++clock, released: false };
      entries.set(key, entry);
      use(entry, lease);
      o.log?.info({ model: label, executionProvider: provider, threads, residentMb, notUsed: skipped },
        `ONNX model ${label} runs on ${provider}${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
      return entry;
    }
  } catch (e) {
    if (reserved) modelBudget().releaseMb(residentMb);
    throw e;
  }
  if (reserved) modelBudget().releaseMb(residentMb);
  throw noProviderError(label, path, providers, skipped, lastError);
}

function noProviderError(label: string, path: string, providers: readonly ExecutionProviderName[], skipped: string[], lastError: unknown): DubarrError {
  const reason = lastError ? firstLine(lastError) : '';
  if (/protobuf parsing failed|load model .* failed|model_path|invalid model|no graph/i.test(reason)) {
    return new DubarrError('E_PROVIDER_UNAVAILABLE',
      `${label}: ${path} is not a loadable ONNX model (${reason}); check the model with \`dubarr models verify\`, or pull it again`,
      { details: { model: label }, cause: lastError });
  }
  const noCpu = providers.includes('cpu') ? '' : "; add 'cpu' to executionProviders to fall back to the CPU";
  return new DubarrError('E_PROVIDER_UNAVAILABLE',
    `cannot load the ONNX model ${label} on any of ${providers.join(', ')}: ${skipped.join('; ')}${noCpu}`,
    { details: { model: label }, cause: lastError });
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.trim();
}

/** Marks the entry used by the lease until the lease ends. */
function use(entry: Entry, lease: ModelLease): void {
  entry.lastUsed = ++clock;
  if (entry.users.has(lease)) return;
  entry.users.add(lease);
  lease.onEnd.push(() => {
    entry.users.delete(lease);
    listenForPressure();
  });
}

/** Gives the lease a GPU token (waiting for one); true if it took one now. */
async function holdGpu(lease: ModelLease): Promise<boolean> {
  if (lease.holdsGpu) return false;
  await modelBudget().takeGpu(lease.signal);
  lease.holdsGpu = true;
  lease.onEnd.push(() => dropGpu(lease));
  return true;
}

function dropGpu(lease: ModelLease): void {
  if (!lease.holdsGpu) return;
  lease.holdsGpu = false;
  modelBudget().releaseGpu();
}

function leastRecentIdle(): Entry | undefined {
  let best: Entry | undefined;
  for (const e of entries.values()) if (e.users.size === 0 && (!best || e.lastUsed < best.lastUsed)) best = e;
  return best;
}

/** Reserves `mb`, releasing this thread's idle sessions (least recently used first) for room. */
function makeRoom(mb: number, label: string, log?: Logger): void {
  const budget = modelBudget();
  const max = budget.limits.maxResidentMb;
  if (mb > max) {
    throw new DubarrError('E_MODEL_MEMORY', `the model ${label} takes ${mb} MB, more than models.maxResidentMb (${max} MB) allows at all: raise models.maxResidentMb or choose a smaller model`, { details: { model: label, residentMb: mb, maxResidentMb: max } });
  }
  while (!budget.tryReserveMb(mb)) {
    const idle = leastRecentIdle();
    if (!idle) {
      const used = budget.usage();
      budget.askForRoom(mb);
      throw new DubarrError('E_MODEL_MEMORY',
        `no room to load the model ${label} (${mb} MB): ${used.residentMb} MB of models.maxResidentMb (${max} MB) are held by models in use `
        + `(${used.ownMb} MB by this thread's running stages); stages holding idle models were asked to release them`,
        { details: { model: label, residentMb: mb, maxResidentMb: max, inUseMb: used.residentMb } });
    }
    log?.info({ model: idle.label, residentMb: idle.residentMb, for: label }, `released the idle ONNX model ${idle.label} to make room for ${label}`);
    void release(idle);
  }
}

async function release(e: Entry): Promise<void> {
  if (e.released) return;
  e.released = true;
  entries.delete(e.key);
  modelBudget().releaseMb(e.residentMb);
  await e.session.release().catch(() => undefined);
}

/** The budget this thread listens on (a test may install another). */
let listeningOn: ModelBudget | undefined;

/**
 * While this thread keeps idle sessions, it listens for another thread asking for room, and
 * then releases them (least recently used first) until the asked-for megabytes would fit.
 * The listener does not keep the thread or process alive.
 */
function listenForPressure(): void {
  const budget = modelBudget();
  if (listeningOn === budget || !leastRecentIdle()) return;
  listeningOn = budget;
  const seen = budget.pressure().generation;
  void budget.nextPressure(seen).then(async () => {
    if (listeningOn === budget) listeningOn = undefined;
    const { mb } = budget.pressure();
    const { maxResidentMb } = budget.limits;
    for (let idle = leastRecentIdle(); idle && budget.usage().residentMb + mb > maxResidentMb; idle = leastRecentIdle()) await release(idle);
    listenForPressure();
  });
}

function checkSignature(session: InferenceSession, label: string, o: OnnxSessionOptions): void {
  const missingIn = (o.expect?.inputs ?? []).filter((n) => !session.inputNames.includes(n));
  const missingOut = (o.expect?.outputs ?? []).filter((n) => !session.outputNames.includes(n));
  if (missingIn.length || missingOut.length) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE',
      `${label} is not the model this provider runs: it lacks ${[...missingIn.map((n) => `input ${n}`), ...missingOut.map((n) => `output ${n}`)].join(', ')}`);
  }
}
