import { mkdirSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Runtime } from '../app/runtime.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { isDubarrOutput } from '../../plugins/sdk/sidecar-name.js';

/** How often a file put off for an in-place job beside it looks at that job again (it may run in another process). */
const DEFERRED_POLL_MS = 2_000;

/**
 * Watches the configured folders and queues a job per new video once it has stopped growing
 * (a copy in progress is not a finished file). Skipped: a file with a queued, running or
 * succeeded job (a failed or cancelled one is tried again at the next start), and a file a
 * succeeded job delivered, as it delivered it (an in-place job on Movie.ts delivers Movie.mkv
 * when the container has to change; a different file put at that path later is dubbed). A file
 * that a queued or running in-place job beside it may be delivering waits for that job to end.
 */
export function watchFolders(rt: Runtime): FSWatcher | undefined {
  const cfg = rt.config.watch;
  const jobs = rt.jobs;
  if (!cfg.enabled || cfg.folders.length === 0) return undefined;
  const exts = new Set(cfg.extensions.map((e) => `.${e.toLowerCase().replace(/^\./, '')}`));
  const byPath = new Map(cfg.folders.map((f) => [resolve(f.path), f]));
  for (const dir of byPath.keys()) mkdirSync(dir, { recursive: true });
  const watcher = watch([...byPath.keys()], {
    ignoreInitial: false,
    awaitWriteFinish: { stabilityThreshold: cfg.stableMs, pollInterval: Math.min(1000, cfg.stableMs) },
    ignored: (p: string) => isDubarrOutput(p),
  });
  /** path -> the in-place job beside it that it waits for */
  const waiting = new Map<string, string>();
  let poll: NodeJS.Timeout | undefined;

  const consider = (path: string): void => {
    if (!exts.has(extname(path).toLowerCase())) return;
    const folder = [...byPath.entries()].find(([dir]) => path.startsWith(`${dir}/`))?.[1];
    if (!folder) return;
    // Every file of the library comes by at each start (ignoreInitial: false); indexed lookups each.
    if (jobs.hasPendingOrSucceededJob(path)) {
      rt.log.debug({ input: path }, 'watch folder: skipped (a job on this file is queued, running or has succeeded)');
      return;
    }
    const now = statSync(path, { throwIfNoEntry: false });
    if (!now?.isFile()) return;
    if (jobs.isDelivered(path, now)) {
      rt.log.debug({ input: path }, 'watch folder: skipped (a job that succeeded delivered this file)');
      return;
    }
    const writer = jobs.inPlaceJobBeside(path);
    if (writer) {
      rt.log.debug({ input: path, job: writer }, 'watch folder: waiting for the in-place job beside this file, which may be delivering it');
      waiting.set(path, writer);
      poll ??= setInterval(lookAgain, DEFERRED_POLL_MS).unref();
      return;
    }
    jobs.create({
      path, origin: 'watch', priority: 'watch',
      preset: folder.preset, targetLanguages: folder.targetLanguages, outputMode: folder.mode, outDir: folder.outDir,
    }).then(
      (job) => rt.log.info({ job: job.id, input: path }, 'watch folder: queued'),
      (e: unknown) => {
        // The file is seen again at the next start (or when it changes); the server keeps running.
        const err = DubarrError.from(e);
        rt.log.error({ input: path, code: err.code, err: err.message, hint: err.hint }, 'watch folder: job refused');
      },
    );
  };

  /** Decides again about the files whose in-place job has ended (it has recorded what it delivered, if it succeeded). */
  const lookAgain = (): void => {
    if (watcher.closed) waiting.clear();
    try {
      for (const [path, jobId] of [...waiting]) {
        if (jobs.isPending(jobId)) continue;
        waiting.delete(path);
        consider(path);
      }
    } catch (e) {
      // The files are seen again at the next start.
      rt.log.error({ err: (e as Error).message, files: [...waiting.keys()] }, 'watch folder: could not decide about files waiting for an in-place job');
      waiting.clear();
    }
    if (waiting.size === 0) {
      clearInterval(poll);
      poll = undefined;
    }
  };

  watcher.on('add', consider);
  watcher.on('error', (e: unknown) => rt.log.error({ err: (e as Error).message }, 'watch folder error'));
  return watcher;
}
