#!/usr/bin/env node
import { Command, Option } from 'commander';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { packageVersion } from '../app/paths.js';
import type { Runtime } from '../app/runtime.js';
import { loadConfig, type ConfigFlag } from '../config/load.js';
import { renderConfig } from '../config/print.js';
import type { Config } from '../config/schema.js';
import { ApiKeys } from '../auth/api-keys.js';
import { assertServableWith } from '../auth/exposure.js';
import { openDatabase } from '../jobs/database.js';
import { openStageCache } from '../jobs/cache-index.js';
import { pruneCache, reconcileCache } from '../jobs/cache-prune.js';
import type { JobStatus } from '../jobs/store.js';
import type { JobsService } from '../service/jobs-service.js';
import { dropWritesToClosedPipes } from './closed-pipe.js';
import { formatDubSummary, formatJobDetail, formatJobLine } from './format.js';

// The runtime, server and engines load only for the commands that need them, so quick commands
// (jobs list, config print) start fast.

dropWritesToClosedPipes();

const program = new Command('dubarr')
  .version(packageVersion)
  .description('Dub and subtitle video for your media server, offline.')
  .option('-c, --config <file>', 'config file (default: $DUBARR_CONFIG or ./dubarr.yaml)')
  .option('--data-dir <dir>', 'data folder (default ./data)');

function config(flags: ConfigFlag[] = []): Config {
  const o = program.opts<{ config?: string; dataDir?: string }>();
  return loadConfig({ file: o.config, flags: [{ flag: '--data-dir', path: ['dataDir'], value: o.dataDir }, ...flags] });
}

async function runtime(takeQueued: boolean, cfg: Config = config(), level: string = cfg.log.level): Promise<Runtime> {
  const [{ createRuntime }, { createLogger }] = await Promise.all([import('../app/runtime.js'), import('../app/logger.js')]);
  return createRuntime(cfg, { takeQueued, log: createLogger({ level, pretty: cfg.log.pretty }) });
}

function withDb<T>(cfg: Config, fn: (db: ReturnType<typeof openDatabase>) => T): T {
  const db = openDatabase(cfg.database.path);
  try { return fn(db); } finally { db.close(); }
}

program.command('serve').description('run the server: HTTP API, watched folders, job queue')
  .option('-p, --port <port>', 'HTTP port (0 = any free port)')
  .action(async (o: { port?: string }) => {
    const cfg = config([{ flag: '--port', path: ['server', 'port'], value: o.port }]);
    // Before the port: a server the network could reach without any key never starts.
    withDb(cfg, (db) => assertServableWith(cfg.server, new ApiKeys(db).count()));
    const { bindHttp, serve } = await import('./serve.js');
    // The port first: a second server on a busy port exits here, before its runtime claims queued jobs.
    const http = await bindHttp(cfg.server);
    let rt: Runtime;
    try {
      rt = await runtime(true, cfg);
    } catch (e) {
      await http.close();
      throw e;
    }
    await serve(rt, http);
  });

program.command('dub').description('dub one file now, in this process')
  .argument('<input>', 'video file')
  .option('--to <langs>', 'target languages, comma separated (e.g. es,ca)')
  .option('--from <lang>', "source language or 'auto'")
  .option('--out <dir>', 'output folder (default: beside the input)')
  .addOption(new Option('--mode <mode>', 'mux: new file; sidecar: .mka + .srt; inplace: replace the original').choices(['mux', 'sidecar', 'inplace']))
  .option('--preset <name>', 'preset (stage graph)')
  .option('-v, --verbose', 'log every stage transition and warning (default: progress and the outcome only)')
  .option('--json', 'print the finished job as JSON')
  .action(async (input: string, o: { to?: string; from?: string; out?: string; mode?: 'mux'; preset?: string; verbose?: boolean; json?: boolean }) => {
    const cfg = config();
    // The progress display is the interactive view; stage logs would drown it.
    // Without -v the job's outcome is printed once, below, not also as log lines.
    const rt = await runtime(false, cfg, o.verbose ? cfg.log.level : cfg.log.level === 'silent' ? 'silent' : 'fatal');
    const { dub } = await import('./dub.js');
    try {
      const job = await dub(rt, { input, to: o.to, from: o.from, out: o.out, mode: o.mode, preset: o.preset });
      if (job.status !== 'succeeded') {
        process.stderr.write(`dub ${job.status}: ${job.error?.code ?? ''} ${job.error?.message ?? ''}\n`);
        if (job.error) process.stderr.write(`hint: ${DubarrError.fromJSON({ code: job.error.code, message: '' }).hint}\n`);
        process.exitCode = job.status === 'cancelled' ? 130 : 1;
      } else {
        process.stdout.write(o.json ? `${JSON.stringify(job, null, 2)}\n` : `${formatDubSummary(job, rt.costs.forJobs([job.id]).get(job.id))}\n`);
      }
    } finally {
      // The pass this job asked for prunes the cache: the only one a CLI process gets.
      await rt.close({ finishHousekeeping: true });
    }
  });

program.command('scan').description('backfill: queue every media file in a folder that lacks a target language, at backfill priority')
  .argument('<folder>', 'a folder (walked recursively) or one file')
  .option('--to <langs>', 'target languages, comma separated (default: the watched folder\'s, else pipeline.targetLanguages)')
  .option('--dry-run', 'list what would be queued and why each other file is skipped; queue and record nothing')
  .option('--json', 'print the decisions and the summary as JSON')
  .action(async (folder: string, o: { to?: string; dryRun?: boolean; json?: boolean }) => {
    const cfg = config();
    const rt = await runtime(false, cfg, cfg.log.level === 'silent' ? 'silent' : 'error');
    const { scan, formatDecision, formatScanSummary } = await import('./scan.js');
    try {
      const { summary, decisions } = await scan(rt, { folder, to: o.to, dryRun: o.dryRun });
      if (o.json) process.stdout.write(`${JSON.stringify({ ...summary, dryRun: !!o.dryRun, decisions }, null, 2)}\n`);
      else process.stdout.write(`${[...decisions.map((d) => formatDecision(d, !!o.dryRun)), formatScanSummary(summary, !!o.dryRun)].join('\n')}\n`);
    } finally {
      await rt.close();
    }
  });

/** The jobs commands run against the job service of a runtime that takes no queued work (a server's jobs are its own). */
async function withJobs(fn: (jobs: JobsService) => unknown): Promise<void> {
  const cfg = config();
  const rt = await runtime(false, cfg, cfg.log.level === 'silent' ? 'silent' : 'error');
  try {
    await fn(rt.jobs);
  } finally {
    await rt.close();
  }
}

const jobs = program.command('jobs').description('list and manage jobs');
jobs.command('list').option('--status <status>').option('-n, --limit <n>', 'rows', '50').option('--search <text>', 'only jobs whose input path contains this')
  .action((o: { status?: JobStatus; limit: string; search?: string }) => withJobs((s) => {
    let left = Number(o.limit);
    if (!Number.isInteger(left) || left < 1) throw new DubarrError('E_INVALID_ARGUMENT', `--limit must be a whole number of rows, got '${o.limit}'`);
    for (let after: string | undefined; left > 0;) {
      const page = s.list({ status: o.status, search: o.search, first: Math.min(left, 200), after });
      for (const j of page.items) process.stdout.write(`${formatJobLine(j)}\n`);
      left -= page.items.length;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  }));
jobs.command('show').argument('<id>').option('--json').action((id: string, o: { json?: boolean }) => withJobs((s) => {
  const { job, runs, events, cost } = s.history(id);
  process.stdout.write(o.json ? `${JSON.stringify({ ...job, stages: runs, cost }, null, 2)}\n` : `${formatJobDetail(job, runs, events, cost)}\n`);
}));
jobs.command('cancel').argument('<id>').action((id: string) => withJobs((s) => {
  const job = s.cancel(id);
  process.stdout.write(job.status === 'cancelled' ? `cancelled ${job.id}\n` : `cancel requested for ${job.id}; the process running it stops it\n`);
}));
jobs.command('retry').argument('<id>').action((id: string) => withJobs((s) => {
  const job = s.retry(id);
  process.stdout.write(`queued ${job.id} again; a running server picks it up\n`);
}));
jobs.command('delete').argument('<id>').description("forget a job and remove its own files (never the input or files in your library); a running job must be cancelled first")
  .action((id: string) => withJobs(async (s) => {
    const r = await s.delete(id);
    process.stdout.write(`deleted ${r.id}${r.removedFiles.length ? `; removed ${r.removedFiles.join(', ')}` : ''}\n`);
  }));

const keys = program.command('keys').description('API keys for the HTTP server (needed when it listens beyond 127.0.0.1)');
keys.command('create').description('make a key and print it once, alone on the last line')
  .requiredOption('--name <name>', 'what the key is for, e.g. bazarr or phone')
  .action(async (o: { name: string }) => {
    const { createKeyText } = await import('./keys.js');
    process.stdout.write(`${withDb(config(), (db) => createKeyText(new ApiKeys(db), o.name))}\n`);
  });
keys.command('list').description('id, name, created, last used (keys themselves are never stored)').action(async () => {
  const { listKeysText } = await import('./keys.js');
  process.stdout.write(`${withDb(config(), (db) => listKeysText(new ApiKeys(db)))}\n`);
});
keys.command('revoke').description('delete a key: requests with it are refused at once').argument('<id|name>').action((idOrName: string) => {
  const k = withDb(config(), (db) => new ApiKeys(db).revoke(idOrName));
  process.stdout.write(`revoked ${k.id} '${k.name}'\n`);
});

program.command('plugins').description('installed provider plugins, their availability and languages').action(async () => {
  const cfg = config();
  const { PluginHost } = await import('../plugin-host/plugin-host.js');
  const host = await PluginHost.load({ dirs: cfg.plugins.dirs, options: cfg.plugins.options, preference: cfg.providers.preference, modelsDir: cfg.models.dir });
  for (const p of host.plugins()) {
    const a = await host.availability(p.def.name);
    process.stdout.write(`${p.def.name}@${p.def.version}  ${a.ok ? 'available' : `UNAVAILABLE: ${a.reason ?? ''}`}\n`);
    for (const s of p.def.stages) process.stdout.write(`  ${s.id} (${s.capability}, ${s.runIn})\n`);
    const l = a.languages ?? p.def.stages.find((s) => s.languages)?.languages;
    if (l?.pairs) process.stdout.write(`  pairs: ${l.pairs.map(([x, y]) => `${x}->${y}`).join(', ')}\n`);
    if (l?.input || l?.output) process.stdout.write(`  languages: ${[l.input, l.output].filter(Boolean).map((x) => (x === '*' ? 'any' : (x as string[]).join(','))).join(' -> ')}\n`);
  }
  for (const b of host.broken) process.stdout.write(`BROKEN ${b.location}: ${b.reason}\n`);
});

/** The model manager from the config; quiet logs (the commands print what matters). */
async function modelManager() {
  const cfg = config();
  const [{ modelManagerFor }, { createLogger }] = await Promise.all([import('../models/model-manager.js'), import('../app/logger.js')]);
  return modelManagerFor(cfg, createLogger({ level: cfg.log.level === 'silent' ? 'silent' : 'warn', pretty: cfg.log.pretty }));
}

const models = program.command('models').description('neural models (Whisper, Marian/NLLB, Piper, Kokoro, ...): list, download, remove, check');
models.command('list').description('one model a line, its id first: task, installed or not, size, languages, licence, what it improves')
  .option('--json', 'the listing as JSON')
  .action(async (o: { json?: boolean }) => {
    const list = await (await modelManager()).list();
    if (o.json) { process.stdout.write(`${JSON.stringify(list, null, 2)}\n`); return; }
    const { formatModelList } = await import('./models.js');
    if (list.length === 0) process.stderr.write('the catalogue lists no models, and models.dir holds none\n');
    for (const line of formatModelList(list)) process.stdout.write(`${line}\n`);
  });
models.command('pull').description('download models from Hugging Face (HF_ENDPOINT, HF_TOKEN for gated ones), checked against the catalogue; an interrupted pull resumes')
  .argument('<ids...>', 'catalogue ids (dubarr models list)')
  .action(async (ids: string[]) => {
    const manager = await modelManager();
    const { pullModels } = await import('./models.js');
    // Ctrl-C stops the download; its bytes stay, and the next pull resumes from them.
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    try {
      await pullModels(manager, { ids, err: process.stderr, out: process.stdout, signal: stop.signal });
    } catch (e) {
      if (DubarrError.from(e).code === 'E_CANCELLED') {
        process.stderr.write('pull stopped; run the same command again to resume it\n');
        process.exitCode = 130;
        return;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSignal);
      await manager.close();
    }
  });
models.command('remove').description('delete installed models (and what an unfinished pull left)').argument('<ids...>')
  .action(async (ids: string[]) => {
    const manager = await modelManager();
    for (const id of ids) {
      const r = await manager.remove(id);
      process.stdout.write(`removed ${id}${r.removedInstall ? '' : ' (an unfinished pull)'}\n`);
    }
  });
models.command('verify').description("re-hash installed models' files against their manifests; exits 1 when any fails")
  .argument('[ids...]', 'default: every installed model')
  .action(async (ids: string[]) => {
    const { verifyModels } = await import('./models.js');
    await verifyModels(await modelManager(), ids, process.stdout);
  });

program.command('config').description('configuration').command('print').description('the effective configuration, secrets masked')
  .action(() => { process.stdout.write(renderConfig(config())); });

program.command('doctor').description('check system dependencies and print the commands that fix what is missing').action(async () => {
  const { formatDoctor, runDoctor } = await import('./doctor.js');
  const c = config();
  const r = await runDoctor({ dataDir: c.dataDir, mediaServers: c.mediaServers, mediaRoots: c.server.mediaRoots });
  process.stdout.write(`${formatDoctor(r)}\n`);
  if (!r.ok) process.exitCode = 1;
});

program.command('cache').description('stage cache').command('prune')
  .description('delete least recently used results now (jobs do it after they finish), keeping those queued and running jobs need')
  .option('--max-size <gb>', 'target size in GB (default: cache.maxSizeGb)')
  .action(async (o: { maxSize?: string }) => {
    const cfg = config();
    const max = Number(o.maxSize ?? cfg.cache.maxSizeGb);
    if (!(max >= 0)) throw new DubarrError('E_INVALID_ARGUMENT', `--max-size must be a number of GB, got '${o.maxSize}'`);
    const db = openDatabase(cfg.database.path);
    try {
      const { cache, index } = openStageCache(db, cfg.cache.dir);
      await reconcileCache(index, cache);
      const r = await pruneCache(index, cache, max * 1e9);
      const kept = r.kept ? ` (${r.kept} entries kept: queued or running jobs need them)` : '';
      process.stdout.write(`removed ${r.evicted} entries, freed ${(r.freedBytes / 1e6).toFixed(1)} MB, ${(r.remainingBytes / 1e6).toFixed(1)} MB remain${kept}\n`);
    } finally {
      db.close();
    }
  });

program.parseAsync().catch((e: unknown) => {
  const err = DubarrError.from(e);
  process.stderr.write(`error ${err.code}: ${err.message}\n${err.code === 'E_INTERNAL' && err.stack ? `${err.stack}\n` : ''}hint: ${err.hint}\n`);
  process.exitCode = err.code === 'E_CONFIG_INVALID' || err.code === 'E_INVALID_ARGUMENT' ? 2 : 1;
});
