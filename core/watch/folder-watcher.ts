import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Runtime } from '../app/runtime.js';
import type { BusEvent } from '../jobs/journal.js';
import type { FileDecision } from '../library/file-decision.js';
import type { FolderSettings } from '../library/folder-settings.js';
import { IGNORE_MARKER, IgnoreMarkers, LibraryFilter } from '../library/library-filter.js';
import { StabilityGate, type StabilityCheck } from './stability-gate.js';

/** How often a file put off for an in-place job beside it looks at that job again (it may run in another process). */
const BUSY_POLL_MS = 2_000;
/** Longest timer Node keeps (about 24.8 days); a later retry is the rescan's. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Folder {
  settings: FolderSettings;
  filter: LibraryFilter;
  markers: IgnoreMarkers;
  gate: StabilityGate;
  chokidar: FSWatcher;
}

export interface WatcherEvents {
  /** A decision about a file (queued or skipped, and why). */
  decision: [FileDecision];
  /** chokidar reported a media file as new or changed (not one found by a walk). */
  reported: [path: string];
  /** A look at a file still settling (a copy or download in progress). */
  check: [StabilityCheck];
  /** A walk of every folder has ended (the first one: `ready`). */
  scanned: [];
}

/**
 * Watches the configured folders: chokidar reports files that appear or change, the stability
 * gate holds each until it is complete, and the library service decides whether it gets a job
 * (and records why). At start, and every watch.rescanMinutes, every folder is walked as well:
 * that is how files added while dubarr was down are found, and how a missed event is made up for.
 */
export class FolderWatcher extends EventEmitter<WatcherEvents> {
  /** Resolves once every folder is watched and has been walked once. */
  readonly ready: Promise<void>;
  private readonly folders: Folder[];
  private readonly stop = new AbortController();
  /** Files to look at again later: a retry that comes due, an in-place job beside them to end. */
  private readonly later = new Map<string, { timer: NodeJS.Timeout; waitingFor?: string }>();
  private scanning: Promise<void> | undefined;
  /** Work under way outside the periodic walk (a file settled, a retry came due, a marker went): close() waits for it. */
  private readonly working = new Set<Promise<void>>();
  private rescanTimer: NodeJS.Timeout | undefined;
  private readonly onJobEvent = (e: BusEvent) => this.jobEnded(e);

  constructor(private readonly rt: Runtime) {
    super();
    const cfg = rt.config.watch;
    this.folders = cfg.folders.map((settings) => this.watchOne(settings));
    rt.bus.on('event', this.onJobEvent);
    // Closed before chokidar was ready: it never will be, and nothing is left to wait for.
    const stopped = new Promise<void>((r) => this.stop.signal.addEventListener('abort', () => r(), { once: true }));
    this.ready = Promise.race([
      Promise.all(this.folders.map((f) => new Promise<void>((r) => f.chokidar.once('ready', () => r())))).then(() => this.rescan()),
      stopped,
    ]);
    if (cfg.rescanMinutes > 0) this.rescanTimer = setInterval(() => { void this.rescan(); }, cfg.rescanMinutes * 60_000).unref();
  }

  /** Walks every folder again now (the periodic backstop; also at start). Resolves when done. */
  rescan(): Promise<void> {
    this.scanning ??= (async () => {
      try {
        for (const f of this.folders) {
          if (this.stop.signal.aborted) break;
          f.markers.clear();
          await this.walk(f, f.settings.path);
        }
        if (!this.stop.signal.aborted) this.emit('scanned');
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  async close(): Promise<void> {
    this.stop.abort();
    clearInterval(this.rescanTimer);
    this.rt.bus.off('event', this.onJobEvent);
    for (const l of this.later.values()) clearTimeout(l.timer);
    this.later.clear();
    for (const f of this.folders) f.gate.close();
    await Promise.all(this.folders.map((f) => f.chokidar.close()));
    await this.scanning?.catch(() => undefined);
    await Promise.all(this.working);
  }

  private watchOne(settings: FolderSettings): Folder {
    const cfg = this.rt.config.watch;
    mkdirSync(settings.path, { recursive: true });
    const filter = new LibraryFilter(settings.path, { extensions: cfg.extensions, include: settings.include, exclude: settings.exclude });
    const markers = new IgnoreMarkers(settings.path);
    const windowMs = settings.stabilitySeconds * 1000;
    // Several looks per window, at most 4 a second: a file is through well within a second after its window.
    const gate = new StabilityGate({ windowMs, minAgeMs: settings.minAgeSeconds * 1000, pollMs: Math.min(250, Math.max(20, windowMs / 4)) });
    const chokidar = watch(settings.path, {
      // Files already there are the walk's (ready -> rescan), which needs no stability wait for old files.
      ignoreInitial: true,
      usePolling: settings.poll,
      interval: cfg.pollIntervalSeconds * 1000,
      binaryInterval: cfg.pollIntervalSeconds * 1000,
      ignored: (p: string) => filter.ignoresPath(p),
    });
    const folder: Folder = { settings, filter, markers, gate, chokidar };
    const seen = (path: string) => {
      if (basename(path) === IGNORE_MARKER) { this.markerChanged(folder, dirname(path)); return; }
      if (!filter.isCandidate(path) || markers.covers(path)) return;
      this.emit('reported', path);
      gate.track(path);
    };
    chokidar.on('add', seen);
    chokidar.on('change', seen);
    chokidar.on('unlink', (path: string) => {
      if (basename(path) === IGNORE_MARKER) this.markerChanged(folder, dirname(path));
      else gate.forget(path);
    });
    chokidar.on('error', (e: unknown) => this.rt.log.error({ folder: settings.path, err: (e as Error).message }, 'watch folder error'));
    gate.on('check', (c) => this.emit('check', c));
    gate.on('settled', (path, seenAs) => { void this.decide(folder, path, seenAs); });
    return folder;
  }

  /** A .dubarrignore appeared (stop looking below it) or went (look at what it hid). */
  private markerChanged(f: Folder, dir: string): void {
    f.markers.invalidate(dir);
    if (f.markers.covers(`${dir}/x`)) f.gate.forgetUnder(dir);
    else void this.tracked(this.walk(f, dir));
  }

  private tracked(p: Promise<void>): Promise<void> {
    this.working.add(p);
    return p.finally(() => this.working.delete(p));
  }

  private async walk(f: Folder, start: string): Promise<void> {
    try {
      await this.rt.library.scan(start, {
        origin: 'watch', signal: this.stop.signal,
        onDecision: (d) => this.handle(f, d),
      });
    } catch (e) {
      if (!this.stop.signal.aborted) this.rt.log.error({ folder: start, err: (e as Error).message }, 'watch folder: walk failed');
    }
  }

  private decide(f: Folder, path: string, settled?: { size: number; mtimeMs: number }): Promise<void> {
    if (this.stop.signal.aborted) return Promise.resolve();
    return this.tracked(this.rt.library.consider(path, { origin: 'watch', settings: f.settings, settled }).then(
      (d) => { if (d && !this.stop.signal.aborted) this.handle(f, d); },
      (e: unknown) => { this.rt.log.error({ input: path, err: (e as Error).message }, 'watch folder: could not decide about a file'); },
    ));
  }

  private handle(f: Folder, d: FileDecision): void {
    const log = this.rt.log;
    if (d.action === 'queue') log.info({ job: d.jobId, input: d.path, languages: d.languages, attempt: d.attempt }, 'watch folder: queued');
    else log.debug({ input: d.path, reason: d.reason, code: d.errorCode, job: d.waitingFor ?? d.jobId }, `watch folder: skipped (${d.reason})`);
    if (d.reason === 'changing') { if (!f.gate.has(d.path)) f.gate.track(d.path); }
    else if (d.reason === 'busy') this.lookLater(f, d.path, BUSY_POLL_MS, d.waitingFor);
    else if (d.retryAt !== undefined) this.lookLater(f, d.path, d.retryAt - Date.now());
    this.emit('decision', d);
  }

  /** Looks at the file again after `ms`; waiting for a job (in another process, perhaps), not before that job has ended. */
  private lookLater(f: Folder, path: string, ms: number, waitingFor?: string): void {
    if (this.stop.signal.aborted || ms > MAX_TIMER_MS) return;
    clearTimeout(this.later.get(path)?.timer);
    const timer = setTimeout(() => {
      this.later.delete(path);
      if (waitingFor && this.rt.jobs.isPending(waitingFor)) this.lookLater(f, path, ms, waitingFor);
      else void this.decide(f, path, undefined);
    }, Math.max(0, ms)).unref();
    this.later.set(path, { timer, waitingFor });
  }

  /** A job ended: its files are looked at again (a failure's retry), and so are files waiting for it (beside an in-place job). */
  private jobEnded(e: BusEvent): void {
    if (e.type !== 'job.succeeded' && e.type !== 'job.failed' && e.type !== 'job.cancelled') return;
    const paths = new Set(this.rt.library.pathsOfJob(e.jobId));
    for (const [path, l] of this.later) if (l.waitingFor === e.jobId) paths.add(path);
    for (const path of paths) {
      const f = this.folderOf(path);
      if (!f) continue;
      clearTimeout(this.later.get(path)?.timer);
      this.later.delete(path);
      void this.decide(f, path, undefined);
    }
  }

  private folderOf(path: string): Folder | undefined {
    return this.folders.filter((f) => path.startsWith(`${f.settings.path}/`)).sort((a, b) => b.settings.path.length - a.settings.path.length)[0];
  }
}

/** Starts watching the configured folders; undefined when watching is off or there are none. */
export function watchFolders(rt: Runtime): FolderWatcher | undefined {
  const cfg = rt.config.watch;
  if (!cfg.enabled || cfg.folders.length === 0) return undefined;
  return new FolderWatcher(rt);
}
