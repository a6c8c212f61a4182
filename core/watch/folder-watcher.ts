import { mkdirSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Runtime } from '../app/runtime.js';
import { PRIORITY } from '../jobs/store.js';
import { jobOptions } from '../pipeline/job-options.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { isDubarrOutput } from '../../plugins/sdk/sidecar-name.js';

/**
 * Watches the configured folders and queues a job per new video once it has stopped growing
 * (a copy in progress is not a finished file). A file with a queued, running or succeeded job is
 * skipped; a failed or cancelled one is tried again at the next start.
 */
export function watchFolders(rt: Runtime): FSWatcher | undefined {
  const cfg = rt.config.watch;
  if (!cfg.enabled || cfg.folders.length === 0) return undefined;
  const exts = new Set(cfg.extensions.map((e) => `.${e.toLowerCase().replace(/^\./, '')}`));
  const byPath = new Map(cfg.folders.map((f) => [resolve(f.path), f]));
  for (const dir of byPath.keys()) mkdirSync(dir, { recursive: true });
  const watcher = watch([...byPath.keys()], {
    ignoreInitial: false,
    awaitWriteFinish: { stabilityThreshold: cfg.stableMs, pollInterval: Math.min(1000, cfg.stableMs) },
    ignored: (p: string) => isDubarrOutput(p),
  });
  watcher.on('add', (path: string) => {
    if (!exts.has(extname(path).toLowerCase())) return;
    const folder = [...byPath.entries()].find(([dir]) => path.startsWith(`${dir}/`))?.[1];
    if (!folder) return;
    // Every file of the library comes by at each start (ignoreInitial: false); one indexed lookup each.
    if (rt.store.hasPendingOrSucceededJob(path)) {
      rt.log.debug({ input: path }, 'watch folder: skipped (a job on this file is queued, running or has succeeded)');
      return;
    }
    try {
      const job = rt.scheduler.submit({
        input: path,
        preset: folder.preset ?? rt.config.pipeline.preset,
        targetLanguages: [...(folder.targetLanguages ?? rt.config.pipeline.targetLanguages)],
        sourceLanguage: rt.config.pipeline.sourceLanguage === 'auto' ? undefined : rt.config.pipeline.sourceLanguage,
        options: jobOptions(rt.config.pipeline, { mode: folder.mode, outDir: folder.outDir }),
        priority: PRIORITY.watch, origin: 'watch',
      });
      rt.log.info({ job: job.id, input: path }, 'watch folder: queued');
    } catch (e) {
      // The file is seen again at the next start (or when it changes); the server keeps running.
      const err = DubarrError.from(e);
      rt.log.error({ input: path, code: err.code, err: err.message, hint: err.hint }, 'watch folder: job refused');
    }
  });
  watcher.on('error', (e: unknown) => rt.log.error({ err: (e as Error).message }, 'watch folder error'));
  return watcher;
}
