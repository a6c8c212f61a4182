import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';

/** What one look at a file still settling saw. */
export interface StabilityCheck {
  path: string;
  size: number;
  mtimeMs: number;
  /** Size or mtime differ from the look before (or a write was reported since). */
  changed: boolean;
  /** Since the last change was seen. */
  stableForMs: number;
  /** Since the gate first heard of the file. */
  trackedForMs: number;
}

export interface StabilityOptions {
  /** How long size and mtime must stay the same (watch.folders[].stabilitySeconds). */
  windowMs: number;
  /** How old the last modification must be (watch.folders[].minAgeSeconds). */
  minAgeMs: number;
  /** Time between looks; bounds how long after the window a file is let through. */
  pollMs: number;
}

interface Tracked {
  since: number;
  lastChange: number;
  last?: { size: number; mtimeMs: number };
  timer?: NodeJS.Timeout;
  /** A write was reported since the last look. */
  touched: boolean;
}

/**
 * Lets a file through once it is complete: its size and mtime the same at every look for the
 * whole window, and its last modification at least minAge old. A copy or download in progress
 * changes one of them between looks. chokidar's awaitWriteFinish compares the size alone and
 * says nothing while it waits; this one also compares the mtime (a rewrite of the same length)
 * and reports every look, which is how the tests hold a copy open across the window without
 * racing a timer.
 */
export class StabilityGate extends EventEmitter<{
  check: [StabilityCheck];
  settled: [path: string, seen: { size: number; mtimeMs: number }];
  gone: [path: string];
}> {
  private readonly files = new Map<string, Tracked>();
  private closed = false;

  constructor(private readonly o: StabilityOptions) { super(); }

  /** Files waiting to settle. */
  get pending(): number { return this.files.size; }

  has(path: string): boolean { return this.files.has(path); }

  /** Starts watching a file (a new or changed one), or notes a write to one it watches. */
  track(path: string): void {
    if (this.closed) return;
    const t = this.files.get(path);
    if (t) { t.touched = true; return; }
    const now = Date.now();
    const fresh: Tracked = { since: now, lastChange: now, touched: false };
    this.files.set(path, fresh);
    this.schedule(path, fresh, this.o.pollMs);
  }

  /** Stops watching a file (deleted, or now under a .dubarrignore). */
  forget(path: string): void {
    const t = this.files.get(path);
    if (!t) return;
    clearTimeout(t.timer);
    this.files.delete(path);
  }

  /** Stops watching every file below a folder. */
  forgetUnder(dir: string): void {
    for (const path of [...this.files.keys()]) if (path.startsWith(`${dir}/`)) this.forget(path);
  }

  close(): void {
    this.closed = true;
    for (const path of [...this.files.keys()]) this.forget(path);
  }

  private schedule(path: string, t: Tracked, ms: number): void {
    t.timer = setTimeout(() => { void this.look(path, t); }, ms);
  }

  private async look(path: string, t: Tracked): Promise<void> {
    const st = await stat(path).catch(() => undefined);
    if (this.files.get(path) !== t) return; // forgotten meanwhile
    if (!st?.isFile()) {
      this.forget(path);
      this.emit('gone', path);
      return;
    }
    const now = Date.now();
    const seen = { size: st.size, mtimeMs: st.mtimeMs };
    const changed = t.touched || (t.last !== undefined && (t.last.size !== seen.size || t.last.mtimeMs !== seen.mtimeMs));
    if (changed) t.lastChange = now;
    t.touched = false;
    t.last = seen;
    const stableForMs = now - t.lastChange;
    this.emit('check', { path, ...seen, changed, stableForMs, trackedForMs: now - t.since });
    if (this.files.get(path) !== t) return; // a listener forgot it
    // Age from the mtime, or from the last change seen when the mtime is in the future (another clock: a network share).
    const ageMs = now - Math.min(seen.mtimeMs, t.lastChange);
    const wait = Math.max(this.o.windowMs - stableForMs, this.o.minAgeMs - ageMs);
    if (wait <= 0) {
      this.files.delete(path);
      this.emit('settled', path, seen);
      return;
    }
    // Several looks per window; a long minAge is waited out in one step once the size holds still.
    this.schedule(path, t, stableForMs >= this.o.windowMs ? wait : Math.min(this.o.pollMs, wait));
  }
}
