import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { probe, type ProbeResult } from '../../native/lib/index.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { contentOfFingerprint, fingerprintFile } from '../../plugins/sdk/file-fingerprint.js';
import { requireLanguage } from '../../plugins/sdk/languages.js';
import { resolveInsideRoots } from '../auth/media-roots.js';
import type { Config } from '../config/schema.js';
import type { DeliveredFiles } from '../jobs/delivered-files.js';
import type { LibraryFile, LibraryFiles, LibraryOutcome } from '../jobs/library-files.js';
import type { JobsService } from '../service/jobs-service.js';
import { coveredBy, decideKnown, union, type FileDecision, type SkipReason } from './file-decision.js';
import { settingsFor, type FolderSettings } from './folder-settings.js';
import { languagesPresent } from './languages-present.js';
import { LibraryFilter } from './library-filter.js';
import { walkLibrary } from './library-walk.js';
import { retryDelayMs } from './retry-policy.js';

export interface LibraryServiceDeps {
  config: Config;
  files: LibraryFiles;
  delivered: DeliveredFiles;
  jobs: JobsService;
  log: Logger;
  /** Where uploads live (an API door's scan may name a path there too, as createJob may). */
  uploadsDir: string;
}

export interface ConsiderOptions {
  /** 'watch' (watched folders), 'webhook' (a media server or *arr said so) or 'backfill' (a scan); the job's priority follows. */
  origin: 'watch' | 'webhook' | 'backfill';
  settings: FolderSettings;
  /** Instead of the folder's (or the pipeline's) target languages. */
  targetLanguages?: readonly string[];
  /** Decide and report, queue nothing, record nothing. */
  dryRun?: boolean;
  /**
   * Size and mtime with which the watcher saw the file settle (a door that knows the file is
   * complete, such as a webhook after an import, passes them as they are now). Without it (a
   * scan), a file modified within its stability window (or minAgeSeconds) is 'changing'.
   */
  settled?: { size: number; mtimeMs: number };
  /**
   * 'api': the path came from outside (a webhook sender): it must resolve inside
   * server.mediaRoots (E_PATH_NOT_ALLOWED) and exist (E_INPUT_NOT_FOUND), checked before
   * anything is recorded. Default 'local' (a watched folder, the CLI).
   */
  door?: 'api' | 'local';
  /** The media server item the file is (a webhook from Jellyfin, Plex, Emby): refreshed by id after the job. */
  mediaItem?: { server: string; id: string };
}

export interface ScanOptions {
  origin: 'watch' | 'backfill';
  /** The door: an API client's path must lie inside server.mediaRoots. */
  door?: 'api' | 'local';
  targetLanguages?: readonly string[];
  dryRun?: boolean;
  /** Each file's decision, as it is made. */
  onDecision?(d: FileDecision): void;
  /** Checked between files: a closing watcher stops its scan. */
  signal?: AbortSignal;
}

export interface ScanSummary {
  /** The folder walked (absolute, symlinks resolved for an API door). */
  path: string;
  /** Media files looked at. */
  files: number;
  /** Jobs queued (or, in a dry run, that would be). */
  queued: number;
  skipped: Partial<Record<SkipReason, number>>;
}

/** Files decided at once in a scan: probing and fingerprinting wait on the disk, not the CPU. */
const SCAN_PARALLELISM = 8;

/**
 * The library-aware half of watched folders and backfills: whether a complete file gets a job,
 * with its per-file record (core/jobs/library-files.ts) so that a file is processed once, again
 * only when its content changes, and failures are retried with backoff. Every job is created
 * through the jobs service. The doors (core/watch, `dubarr scan`, GraphQL scanLibrary) find
 * files and say when one is complete; this decides.
 */
export class LibraryService {
  /** One decision per file at a time: an event and a rescan on the same file queue it once. */
  private readonly deciding = new Map<string, Promise<FileDecision | undefined>>();

  constructor(private readonly d: LibraryServiceDeps) {}

  /** The settings of the watched folder holding `path`, or the per-folder defaults. */
  settingsFor(path: string): FolderSettings { return settingsFor(path, this.d.config.watch); }

  /** The paths whose record names this job (the watcher looks at them again when it ends). */
  pathsOfJob(jobId: string): string[] { return this.d.files.ofJob(jobId).map((f) => f.path); }

  /** Decides about one file and, unless it is a dry run, records it and queues its job. Undefined: no such file (any more). */
  async consider(path: string, o: ConsiderOptions): Promise<FileDecision | undefined> {
    if (o.door === 'api') {
      path = await this.insideRoots(path);
      await stat(path).catch((e: unknown) => { throw new DubarrError('E_INPUT_NOT_FOUND', `No file at ${path}`, { cause: e }); });
    }
    const before = this.deciding.get(path) ?? Promise.resolve(undefined);
    const mine = before.catch(() => undefined).then(() => this.decide(path, o));
    this.deciding.set(path, mine);
    const clear = () => { if (this.deciding.get(path) === mine) this.deciding.delete(path); };
    mine.then(clear, clear);
    return mine;
  }

  /**
   * Decides about every media file below `path` (a folder or one file) with the settings of the
   * watched folder holding it. An API door's path must lie inside server.mediaRoots
   * (E_PATH_NOT_ALLOWED); a missing one is E_INPUT_NOT_FOUND.
   */
  async scan(path: string, o: ScanOptions): Promise<ScanSummary> {
    const root = o.door === 'api' ? await this.insideRoots(path) : path;
    await stat(root).catch((e: unknown) => { throw new DubarrError('E_INPUT_NOT_FOUND', `No file or folder at ${root}`, { cause: e }); });
    const settings = this.settingsFor(root);
    if (o.targetLanguages) for (const l of o.targetLanguages) this.language(l);
    const filter = new LibraryFilter(settings.path, { extensions: this.d.config.watch.extensions, include: settings.include, exclude: settings.exclude });
    const summary: ScanSummary = { path: root, files: 0, queued: 0, skipped: {} };
    const inFlight = new Set<Promise<void>>();
    const onError = (dir: string, e: Error) => this.d.log.warn({ dir, err: e.message }, 'library scan: folder not readable, skipped');
    for await (const file of walkLibrary(root, filter, onError)) {
      if (o.signal?.aborted) break;
      const p = this.consider(file, { origin: o.origin, settings, targetLanguages: o.targetLanguages, dryRun: o.dryRun })
        .then((d) => {
          if (!d) return;
          summary.files++;
          if (d.action === 'queue') summary.queued++;
          else summary.skipped[d.reason!] = (summary.skipped[d.reason!] ?? 0) + 1;
          o.onDecision?.(d);
        }, (e: unknown) => this.d.log.error({ input: file, err: (e as Error).message }, 'library scan: could not decide about a file'))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= SCAN_PARALLELISM) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return summary;
  }

  private async decide(path: string, o: ConsiderOptions): Promise<FileDecision | undefined> {
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) return undefined;
    const now = { size: st.size, mtimeMs: st.mtimeMs };
    const wanted = this.wanted(o);
    const skip = (reason: SkipReason, extra: Partial<FileDecision> = {}): FileDecision => ({ path, action: 'skip', reason, languages: [], ...extra });
    if (o.settled ? o.settled.size !== now.size || o.settled.mtimeMs !== now.mtimeMs : this.stillChanging(now.mtimeMs, o.settings)) return skip('changing');

    let known = this.d.files.get(path);
    const firstSight = known === undefined;
    /** What jobs made from bytes this file no longer holds: not a dub of what it holds now. */
    let stale: ReadonlySet<string> = new Set();
    let content: string | undefined;
    if (known && (known.sizeBytes !== now.size || known.mtimeMs !== now.mtimeMs)) {
      if (this.d.delivered.isDelivered(path, now)) {
        // An in-place job's result: still the file the record is about (its old bytes are gone).
        known = { ...known, sizeBytes: now.size, mtimeMs: now.mtimeMs, content: '' };
      } else if (known.content && (content = await this.contentOf(path)) === known.content) {
        // The same bytes with a new mtime (touched, copied back): nothing new to do.
        known = { ...known, sizeBytes: now.size, mtimeMs: now.mtimeMs };
      } else {
        // New content (an upgrade moved into place), or none recorded to compare: what was
        // learnt is void, and what the last job delivered beside it belongs to the old bytes.
        if (known.lastJobId) stale = new Set(this.d.delivered.filesOf(known.lastJobId).map((f) => f.path));
        known = undefined;
      }
      if (known && !o.dryRun) this.d.files.put(known);
    }
    if (known) {
      const d = decideKnown(known, wanted, this.d.config.watch.retry);
      if (d) return d;
    }
    return this.evaluate(path, now, content ?? known?.content ?? '', wanted, o, known, firstSight, stale);
  }

  /**
   * Size and sampled hash of the file's bytes (the stage cache's identity of a source, without
   * the mtime). Read only for files that get a job, and to compare with a record that has one:
   * on a large file it reads 8 MB, which a first start over a library mostly dubbed already
   * would otherwise pay for every file it skips.
   */
  private async contentOf(path: string): Promise<string> {
    return contentOfFingerprint(await fingerprintFile(path));
  }

  /**
   * Looks at a file afresh: new content, a retry that came due, or more languages wanted than
   * its record covers (`known`, same content). `firstSight`: the file has no record at all (not
   * even of other bytes). Records what it finds.
   */
  private async evaluate(
    path: string, now: { size: number; mtimeMs: number }, content: string, wanted: string[], o: ConsiderOptions, known: LibraryFile | undefined, firstSight: boolean,
    stale: ReadonlySet<string>,
  ): Promise<FileDecision> {
    const draft = new Draft(this.d.files, o.dryRun ?? false, {
      path, sizeBytes: now.size, mtimeMs: now.mtimeMs, content, outcome: 'skipped', outcomeAt: Date.now(),
      jobLanguages: [], coveredLanguages: known ? coveredBy(known) : [], attempts: known?.attempts ?? 0,
    });
    const other = this.byOtherJobs(draft, now, wanted, firstSight);
    if (other) return other;
    const refused = await this.inspect(draft, o, stale);
    if (refused) return refused;
    const missing = wanted.filter((l) => !draft.base.coveredLanguages.includes(l));
    if (missing.length === 0) return draft.record({ outcome: 'skipped' }).skip('present');
    return this.queue(draft, missing, o);
  }

  /**
   * A decision another job makes for this file: one another door queued (the API, a webhook,
   * `dubarr dub`), an in-place job beside it that may be delivering it, and at first sight the
   * in-place job that delivered it or a job that succeeded on these bytes before this record
   * existed. Adds what an earlier job did to `draft`'s languages.
   */
  private byOtherJobs(draft: Draft, now: { size: number; mtimeMs: number }, wanted: string[], firstSight: boolean): FileDecision | undefined {
    const path = draft.base.path;
    const pending = this.d.files.pendingJobOn(path);
    if (pending) {
      return draft.record({ outcome: pending.status as LibraryOutcome, lastJobId: pending.id, jobLanguages: pending.targetLanguages, outcomeAt: pending.updatedAt })
        .skip('pending', { languages: pending.targetLanguages, jobId: pending.id });
    }
    const writer = this.d.delivered.inPlaceJobBeside(path);
    if (writer) return draft.skip('busy', { waitingFor: writer });
    if (!firstSight) return undefined;
    // What an in-place job delivered (Movie.ts -> Movie.mkv) is that job's dub, not a new video.
    const maker = this.d.delivered.deliveredBy(path, now);
    const made = maker === undefined ? undefined : this.d.files.job(maker);
    if (made) {
      return draft.record({ outcome: 'succeeded', lastJobId: made.id, jobLanguages: made.targetLanguages, outcomeAt: made.updatedAt })
        .skip('delivered', { languages: made.targetLanguages, jobId: made.id });
    }
    // A job that succeeded after the file was last modified ran on these bytes. (Not once the
    // record knew other bytes: a new release may keep an older mtime.)
    const done = this.d.files.succeededJobOn(path);
    if (!done || done.updatedAt < now.mtimeMs) return undefined;
    if (wanted.every((l) => done.targetLanguages.includes(l))) {
      return draft.record({ outcome: 'succeeded', lastJobId: done.id, jobLanguages: done.targetLanguages, outcomeAt: done.updatedAt })
        .skip('done', { languages: done.targetLanguages, jobId: done.id });
    }
    draft.cover(done.targetLanguages);
    return undefined;
  }

  /** Probes the file (a refusal when it is not media with audio) and adds the languages it already has. */
  private async inspect(draft: Draft, o: ConsiderOptions, stale: ReadonlySet<string>): Promise<FileDecision | undefined> {
    const path = draft.base.path;
    let probed: ProbeResult;
    try {
      probed = await probe(path);
    } catch (e) {
      if (!(await stat(path).catch(() => undefined))?.isFile()) return draft.skip('changing'); // gone meanwhile
      const err = DubarrError.from(e);
      const code = err.code === 'E_INTERNAL' || err.code === 'E_INVALID_ARGUMENT' ? 'E_MEDIA_UNREADABLE' : err.code;
      return draft.record({ outcome: 'failed', errorCode: code }).skip('failed', { errorCode: code });
    }
    if (!probed.streams.some((s) => s.type === 'audio')) {
      return draft.record({ outcome: 'failed', errorCode: 'E_NO_AUDIO_STREAM' }).skip('failed', { errorCode: 'E_NO_AUDIO_STREAM' });
    }
    // A backfill queues what lacks a language, whatever the folder's skipIfPresent says.
    if (o.settings.skipIfPresent || o.origin === 'backfill') {
      draft.cover(await languagesPresent(path, probed, o.settings.outDir ?? (this.d.config.pipeline.outDir || undefined), stale));
    }
    return undefined;
  }

  /** Queues the job for the missing languages through the jobs service; a refusal counts as a failed attempt. */
  private async queue(draft: Draft, missing: string[], o: ConsiderOptions): Promise<FileDecision> {
    const path = draft.base.path;
    const attempt = draft.base.attempts + 1;
    if (o.dryRun) return { path, action: 'queue', languages: missing, attempt };
    // Failures are counted, and permanent ones held, for these bytes: the record needs their identity.
    draft.base.content ||= await this.contentOf(path);
    try {
      const job = await this.d.jobs.create({
        path, origin: o.origin, preset: o.settings.preset, targetLanguages: missing, outputMode: o.settings.mode, outDir: o.settings.outDir, mediaItem: o.mediaItem,
      });
      draft.record({ outcome: job.status as LibraryOutcome, lastJobId: job.id, jobLanguages: missing, attempts: attempt, outcomeAt: job.createdAt });
      return { path, action: 'queue', languages: missing, jobId: job.id, attempt };
    } catch (e) {
      const err = DubarrError.from(e);
      const at = Date.now();
      draft.record({ outcome: 'failed', errorCode: err.code, attempts: attempt, outcomeAt: at });
      this.d.log.error({ input: path, code: err.code, err: err.message, hint: err.hint }, `${o.origin === 'watch' ? 'watch folder' : o.origin}: job refused`);
      const retry = this.d.config.watch.retry;
      return draft.skip('refused', { errorCode: err.code, retryAt: attempt < retry.maxAttempts ? at + retryDelayMs(attempt, retry) : undefined, attempt });
    }
  }

  /** The target languages asked for, as ISO 639-1 codes. */
  private wanted(o: ConsiderOptions): string[] {
    const list = o.targetLanguages ?? o.settings.targetLanguages ?? this.d.config.pipeline.targetLanguages;
    return [...new Set(list.map((l) => this.language(l)))];
  }

  private language(l: string): string {
    try {
      return requireLanguage(l.trim()).code;
    } catch (e) {
      throw new DubarrError('E_INVALID_ARGUMENT', `${(e as Error).message} (targetLanguages)`);
    }
  }

  /** Modified too recently to be taken as complete by a scan (the watcher's gate sees it through). */
  private stillChanging(mtimeMs: number, s: FolderSettings): boolean {
    return Date.now() - mtimeMs < Math.max(s.stabilitySeconds, s.minAgeSeconds) * 1000;
  }

  private insideRoots(path: string): Promise<string> {
    return resolveInsideRoots(path, this.d.config.server.mediaRoots, this.d.uploadsDir);
  }
}

/** The record a fresh look at a file is building, and the decisions it ends in. */
class Draft {
  constructor(private readonly files: LibraryFiles, private readonly dryRun: boolean, readonly base: LibraryFile) {}

  /** Languages the file has, or an earlier job did. */
  cover(languages: Iterable<string>): void {
    this.base.coveredLanguages = union(this.base.coveredLanguages, [...languages]);
  }

  /** Writes the record (not in a dry run). */
  record(f: Partial<LibraryFile> & { outcome: LibraryOutcome }): this {
    if (!this.dryRun) this.files.put({ ...this.base, ...f });
    return this;
  }

  skip(reason: SkipReason, extra: Partial<FileDecision> = {}): FileDecision {
    return { path: this.base.path, action: 'skip', reason, languages: this.base.coveredLanguages, ...extra };
  }
}
