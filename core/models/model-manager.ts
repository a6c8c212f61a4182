/**
 * The model manager: the one service behind `dubarr models list|pull|remove|verify`, GraphQL's
 * models / pullModel / modelPullUpdated / removeModel / verifyModel, and the web page's models
 * panel. It lists the catalogue merged with what models.dir holds, pulls from Hugging Face (or
 * models.hfEndpoint / HF_ENDPOINT) one pull per model at a time, and removes and re-hashes
 * installed models. models.offline: no pull ever reaches the network.
 */
import { EventEmitter } from 'node:events';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DubarrError, type ErrorCode } from '../../plugins/sdk/errors.js';
import type { ModelEntry } from '../../plugins/sdk/models.js';
import type { Logger } from '../app/logger.js';
import type { Config } from '../config/schema.js';
import { catalogueReader } from './catalogue.js';
import { installedState, listInstalled, sameFiles, type InstalledState } from './installed-models.js';
import { acquirePullLock } from './pull-lock.js';
import { pullModel, type PullOutcome, type PullProgress, type PullSettings } from './pull-model.js';
import { filesBelow, removeStaging, stagingOf } from './staging.js';
import { verifyFiles, type FileCheck } from './verify-model.js';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

export interface ModelManagerOptions {
  /** models.dir. */
  dir: string;
  /** The catalogue (read at each call, so an edited file counts at once); tests hand their own entries. */
  catalogue(): readonly ModelEntry[];
  /** '' = https://huggingface.co. */
  endpoint: string;
  /** '' = none. Sent to the endpoint's origin only. */
  token: string;
  offline: boolean;
  log: Logger;
  fetch?: typeof fetch;
  sleep?: PullSettings['sleep'];
  retry?: PullSettings['retry'];
  stallMs?: number;
  maxRedirects?: number;
  lockPollMs?: number;
}

export type PullStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A pull as the doors show it. */
export interface PullState {
  id: string;
  status: PullStatus;
  bytes: number;
  total: number;
  /** The file under way. */
  file?: string;
  fileBytes?: number;
  fileTotal?: number;
  /** Another process (a `dubarr models pull`) pulls the model; this one waits for it. */
  waiting?: boolean;
  error?: { code: ErrorCode; message: string; hint: string };
}

export interface ModelListing {
  /** The folder name under models.dir, what config and presets name. */
  id: string;
  /** The catalogue's entry, else the installed manifest's (a model copied in by hand). */
  entry: ModelEntry;
  inCatalogue: boolean;
  installed: boolean;
  /** Installed with other files than the catalogue lists now: pull it to update. */
  outdated: boolean;
  /** Bytes a stopped pull left for the next one to resume from. */
  partialBytes: number;
  /** Why a folder of this name is no usable model. */
  problem?: string;
  /** The pull this process runs or last ran. */
  pull?: PullState;
}

export interface Verification {
  id: string;
  ok: boolean;
  files: FileCheck[];
  /** The manifest lists other files than the catalogue does now (pull it to update). */
  outdated: boolean;
}

export interface PullOptions {
  onProgress?(p: PullProgress): void;
  /** Stops this caller's wait; a pull this caller started stops too, keeping its bytes to resume. */
  signal?: AbortSignal;
  onWait?(holder: { pid: number; host: string }): void;
}

interface Running {
  promise: Promise<PullOutcome>;
  /** Callers' onProgress, each told of every step (the published state is coarser). */
  listeners: Set<(p: PullProgress) => void>;
}

const ID = /^[a-z0-9][a-z0-9.-]*$/;

export class ModelManager {
  private readonly running = new Map<string, Running>();
  private readonly states = new Map<string, PullState>();
  private readonly events = new EventEmitter();
  private readonly closing = new AbortController();
  private readonly settings: PullSettings;

  constructor(private readonly o: ModelManagerOptions) {
    this.events.setMaxListeners(0);
    this.settings = {
      modelsDir: o.dir,
      endpoint: (o.endpoint || DEFAULT_HF_ENDPOINT).replace(/\/+$/, ''),
      token: o.token || undefined,
      fetch: o.fetch ?? globalThis.fetch,
      sleep: o.sleep ?? defaultSleep,
      retry: o.retry ?? { attempts: 5, baseMs: 1000, maxMs: 30_000 },
      stallMs: o.stallMs ?? 60_000,
      maxRedirects: o.maxRedirects ?? 10,
      lockPollMs: o.lockPollMs ?? 1000,
      log: o.log.child({ component: 'models' }),
    };
  }

  /** The catalogue's models, each with what is installed, then models copied in by hand; by id. */
  async list(): Promise<ModelListing[]> {
    const catalogue = this.o.catalogue();
    const installed = new Map((await listInstalled(this.o.dir)).map((m) => [m.id, m.state]));
    const ids = [...new Set([...catalogue.map((m) => m.id), ...installed.keys()])].sort();
    const out: ModelListing[] = [];
    for (const id of ids) {
      const listing = await this.listing(id, catalogue.find((m) => m.id === id), installed.get(id) ?? { kind: 'absent' });
      if (listing) out.push(listing);
      else this.settings.log.warn({ model: id, problem: installed.get(id) }, 'a folder in models.dir is not a model');
    }
    return out;
  }

  /** One model's listing; undefined when neither the catalogue nor models.dir has it. */
  async get(id: string): Promise<ModelListing | undefined> {
    checkId(id);
    return this.listing(id, this.o.catalogue().find((m) => m.id === id), await installedState(this.o.dir, id));
  }

  private async listing(id: string, known: ModelEntry | undefined, state: InstalledState): Promise<ModelListing | undefined> {
    const mine = state.kind === 'installed' ? state.entry : undefined;
    const entry = known ?? mine;
    if (!entry) return undefined;
    const problem = state.kind === 'invalid' ? state.reason : state.kind === 'no-manifest' ? 'a folder without dubarr-model.json' : undefined;
    return {
      id, entry, inCatalogue: known !== undefined, installed: mine !== undefined,
      outdated: mine !== undefined && known !== undefined && !sameFiles(mine, known),
      partialBytes: await partialBytes(stagingOf(this.o.dir, id).files), problem, pull: this.states.get(id),
    };
  }

  /**
   * Pulls a catalogue model and resolves once it is installed (at once when it already is, with
   * the catalogue's files: no request is made). A pull of the same id under way in this process
   * is joined; one in another process is waited for. E_MODELS_OFFLINE before any request.
   */
  async pull(id: string, o: PullOptions = {}): Promise<PullOutcome> {
    const entry = await this.pullable(id);
    if (entry === 'installed') return { id, dir: join(this.o.dir, id), downloaded: false };
    const joined = this.running.get(id);
    const run = joined ?? this.begin(entry, o.signal, o.onWait);
    const listener = o.onProgress;
    if (listener) run.listeners.add(listener);
    try {
      // The caller that started the pull waits for its end, cancelled or not (its lock released);
      // one that joined it only stops waiting.
      return await (joined ? untilAborted(run.promise, o.signal) : run.promise);
    } finally {
      if (listener) run.listeners.delete(listener);
    }
  }

  /** Starts a pull (or finds the one under way) and returns its state at once; the doors follow it with pullUpdates. */
  async startPull(id: string): Promise<PullState> {
    const entry = await this.pullable(id);
    if (entry === 'installed') {
      const total = this.o.catalogue().find((m) => m.id === id)!.files.reduce((n, f) => n + f.size, 0);
      const done: PullState = { id, status: 'succeeded', bytes: total, total };
      this.publish(done);
      return done;
    }
    if (!this.running.has(id)) this.begin(entry).promise.catch(() => undefined); // its end is in its state
    return this.states.get(id)!;
  }

  /** The pull this process runs or last ran for the id. */
  pullState(id: string): PullState | undefined {
    return this.states.get(id);
  }

  /**
   * A pull's state now, then each change (progress in steps of at most 0.5 % of the model), ending
   * after its end; nothing when this process has not pulled the id. A slow reader gets the latest
   * state, never a stale one, and always the last.
   */
  async* pullUpdates(id: string, o: { signal?: AbortSignal } = {}): AsyncGenerator<PullState> {
    let latest: PullState | undefined;
    let wake: (() => void) | undefined;
    const on = (s: PullState) => { if (s.id === id) { latest = s; wake?.(); } };
    const onAbort = () => wake?.();
    this.events.on('pull', on);
    o.signal?.addEventListener('abort', onAbort);
    try {
      let last = this.states.get(id);
      if (!last) return;
      yield last;
      while (last.status === 'running' && !o.signal?.aborted) {
        if (!latest) await new Promise<void>((r) => { wake = r; });
        wake = undefined;
        if (o.signal?.aborted) return;
        if (!latest) continue;
        last = latest;
        latest = undefined;
        yield last;
      }
    } finally {
      this.events.off('pull', on);
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Deletes an installed model (and any bytes a stopped pull left). Refused while a pull of it
   * runs, here or in another process. The folder is renamed away first, so a stage opening the
   * model finds it whole or not at all.
   */
  async remove(id: string): Promise<{ id: string; removedInstall: boolean; removedPartialBytes: number }> {
    checkId(id);
    if (this.running.has(id)) throw busy(id, 'this process');
    const staging = stagingOf(this.o.dir, id);
    const lock = await acquirePullLock(staging, {
      signal: this.closing.signal, pollMs: 0, sleep: this.settings.sleep,
      onWait: (h) => { throw busy(id, `process ${h.pid} on ${h.host}`); },
    });
    let removedInstall = false;
    let removedPartialBytes = 0;
    try {
      const state = await installedState(this.o.dir, id);
      removedPartialBytes = await partialBytes(staging.files);
      if (state.kind !== 'absent') {
        const aside = join(staging.root, 'removed');
        await rm(aside, { recursive: true, force: true });
        await rename(join(this.o.dir, id), aside);
        removedInstall = true;
      }
    } finally {
      await removeStaging(staging);
    }
    if (!removedInstall && removedPartialBytes === 0) {
      throw new DubarrError('E_MODEL_MISSING', `the model ${id} is not installed: nothing to remove (dubarr models list)`, { details: { model: id } });
    }
    this.states.delete(id);
    this.settings.log.info({ model: id, removedInstall, removedPartialBytes }, 'model removed');
    return { id, removedInstall, removedPartialBytes };
  }

  /** Re-hashes an installed model's files against its manifest (and says whether the catalogue has moved on). */
  async verify(id: string): Promise<Verification> {
    checkId(id);
    const state = await installedState(this.o.dir, id);
    if (state.kind !== 'installed') {
      throw new DubarrError('E_MODEL_MISSING', state.kind === 'absent'
        ? `the model ${id} is not installed: dubarr models pull ${id}`
        : `${join(this.o.dir, id)} is no usable model (${state.kind === 'invalid' ? state.reason : 'no dubarr-model.json'}): dubarr models remove ${id}, then pull it again`,
      { details: { model: id } });
    }
    const files = await verifyFiles(join(this.o.dir, id), state.entry);
    const known = this.o.catalogue().find((m) => m.id === id);
    return { id, ok: files.every((f) => f.ok), files, outdated: known !== undefined && !sameFiles(state.entry, known) };
  }

  /** Stops every pull (their bytes stay for the next pull to resume) and waits for them to end. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.promise));
  }

  /** The catalogue entry to pull, 'installed' when there is nothing to do, or the coded reason it cannot be pulled. */
  private async pullable(id: string): Promise<ModelEntry | 'installed'> {
    checkId(id);
    const entry = this.o.catalogue().find((m) => m.id === id);
    if (!entry) {
      const here = await installedState(this.o.dir, id);
      throw new DubarrError('E_INVALID_ARGUMENT', here.kind === 'installed'
        ? `${id} was copied into models.dir by hand and is not in the catalogue: there is nothing to pull`
        : `the catalogue has no model ${id}: dubarr models list shows the ids`, { details: { model: id } });
    }
    if (this.running.has(id)) return entry;
    const now = await installedState(this.o.dir, id);
    if (now.kind === 'installed' && sameFiles(now.entry, entry)) return 'installed';
    if (this.o.offline) {
      throw new DubarrError('E_MODELS_OFFLINE', `models.offline is true, so ${id} is not downloaded: copy its folder into ${this.o.dir} by hand, or set models.offline to false`, { details: { model: id } });
    }
    return entry;
  }

  private begin(entry: ModelEntry, signal?: AbortSignal, onWait?: PullOptions['onWait']): Running {
    const id = entry.id;
    const controller = new AbortController();
    const stop = () => controller.abort();
    this.closing.signal.addEventListener('abort', stop);
    signal?.addEventListener('abort', stop);
    const total = entry.files.reduce((n, f) => n + f.size, 0);
    let last: PullState = { id, status: 'running', bytes: 0, total };
    this.publish(last);
    const step = Math.max(1, Math.floor(total / 200));
    const listeners = new Set<(p: PullProgress) => void>();
    this.settings.log.info({ model: id, repo: entry.source.repo, revision: entry.source.revision, endpoint: this.settings.endpoint, bytes: total }, 'pulling model');
    const promise = pullModel(entry, this.settings, {
      signal: controller.signal,
      onProgress: (p) => {
        for (const l of listeners) l(p);
        const moved = p.file !== last.file || p.bytes - last.bytes >= step || p.fileBytes === p.fileTotal;
        if (!moved && !last.waiting) return;
        last = { id, status: 'running', bytes: p.bytes, total, file: p.file, fileBytes: p.fileBytes, fileTotal: p.fileTotal };
        this.publish(last);
      },
      onWait: (holder) => {
        last = { ...last, waiting: true };
        this.publish(last);
        onWait?.(holder);
      },
    }).then((outcome) => {
      this.publish({ id, status: 'succeeded', bytes: total, total });
      return outcome;
    }, (e: unknown) => {
      const err = DubarrError.from(e);
      this.publish({ ...last, waiting: undefined, status: err.code === 'E_CANCELLED' ? 'cancelled' : 'failed', error: { code: err.code, message: err.message, hint: err.hint } });
      if (err.code !== 'E_CANCELLED') this.settings.log.warn({ model: id, code: err.code, err: err.message }, 'model pull failed');
      throw err;
    }).finally(() => {
      this.running.delete(id);
      this.closing.signal.removeEventListener('abort', stop);
      signal?.removeEventListener('abort', stop);
    });
    const run = { promise, listeners };
    this.running.set(id, run);
    return run;
  }

  private publish(s: PullState): void {
    this.states.set(s.id, s);
    this.events.emit('pull', s);
  }
}

/** The manager a runtime or a CLI command uses, from the config. */
export function modelManagerFor(config: Config, log: Logger, extra: Partial<ModelManagerOptions> = {}): ModelManager {
  return new ModelManager({
    dir: config.models.dir, catalogue: catalogueReader(config.models.catalogue),
    endpoint: config.models.hfEndpoint, token: config.models.hfToken, offline: config.models.offline, log, ...extra,
  });
}

/** Ids become folder names: nothing that could leave models.dir or name the staging folder. */
function checkId(id: string): void {
  if (!ID.test(id)) throw new DubarrError('E_INVALID_ARGUMENT', `'${id}' is not a model id (lower case letters, digits, '.' and '-'): dubarr models list shows the ids`);
}

function busy(id: string, who: string): DubarrError {
  return new DubarrError('E_INVALID_ARGUMENT', `a pull of ${id} is under way (${who}): wait for it to end, then remove the model`, { details: { model: id } });
}

async function partialBytes(dir: string): Promise<number> {
  let n = 0;
  for (const f of await filesBelow(dir)) n += (await stat(join(dir, f)).catch(() => undefined))?.size ?? 0;
  return n;
}

async function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    throw new DubarrError('E_CANCELLED', 'The pull was cancelled; pull again to resume it');
  }
}

/** The promise, or E_CANCELLED as soon as the caller's signal aborts (the shared pull may go on). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new DubarrError('E_CANCELLED', 'Cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DubarrError('E_CANCELLED', 'The pull was cancelled; pull again to resume it'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
