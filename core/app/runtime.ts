import { join } from 'node:path';
import { ApiKeys } from '../auth/api-keys.js';
import type { Config } from '../config/schema.js';
import { openStageCache, type CacheIndex } from '../jobs/cache-index.js';
import { openDatabase } from '../jobs/database.js';
import { DeliveredFiles } from '../jobs/delivered-files.js';
import { Housekeeping } from '../jobs/housekeeping.js';
import { CostLedger } from '../jobs/cost-ledger.js';
import { Journal, JobBus } from '../jobs/journal.js';
import { LibraryFiles } from '../jobs/library-files.js';
import { CapabilityLimits } from '../jobs/priority-limiter.js';
import { Scheduler } from '../jobs/scheduler.js';
import type { StageCache } from '../jobs/stage-cache.js';
import { JobStore } from '../jobs/store.js';
import { LibraryService } from '../library/library-service.js';
import { modelManagerFor, type ModelManager, type ModelManagerOptions } from '../models/model-manager.js';
import { BUILTIN_PRESETS, PresetRegistry, readPresetDir } from '../pipeline/presets.js';
import type { PresetInput } from '../pipeline/plan.js';
import { Notifier } from '../notify/notifier.js';
import { PluginHost } from '../plugin-host/plugin-host.js';
import { HookIntake } from '../integrations/hook-intake.js';
import { libraryRefresh } from '../integrations/library-refresh.js';
import { MediaServers } from '../integrations/media-servers.js';
import type { RetryPolicy } from '../integrations/retry.js';
import { JobsService, type JobsServiceDeps } from '../service/jobs-service.js';
import { ProviderCatalog } from '../service/provider-catalog.js';
import { TranscriptionService } from '../service/transcription.js';
import { countUploadBytes } from '../ops/metrics.js';
import { uploadAsJobInput } from '../uploads/upload-job-input.js';
import { configuredUploads, openUploadServer, type UploadServer } from '../uploads/upload-server.js';
import { StagePool } from '../workers/stage-pool.js';
import { setSpeakersDir } from '../../plugins/sdk/speakers-dir.js';
import { setProviderCacheDir } from '../../plugins/sdk/provider-cache.js';
import { modelRuntime } from './model-runtime.js';
import type { Logger } from './logger.js';

export interface RuntimeOptions {
  log: Logger;
  /** serve: take queued jobs; the CLI's dub: run only the jobs handed to it. */
  takeQueued: boolean;
  /** Extra presets (tests; later the config's own). */
  presets?: Record<string, PresetInput>;
  /** The uploads module's hook for jobs on uploaded files (see JobsServiceDeps.uploads). */
  uploads?: JobsServiceDeps['uploads'];
  /** How media server refreshes are retried (tests: waits that return at once). */
  mediaServerRetry?: RetryPolicy;
  /** The cost ledger's clock, which decides the UTC day of budget.perDay (tests: a fixed time). */
  costClock?: () => number;
  /** The model manager's download settings (tests: retry waits that return at once). */
  models?: Partial<ModelManagerOptions>;
}

export interface Runtime {
  config: Config;
  log: Logger;
  store: JobStore;
  /** The HTTP server's API keys (hashed in the job database). */
  apiKeys: ApiKeys;
  /** What succeeded jobs delivered (watched folders skip those files). */
  delivered: DeliveredFiles;
  cache: StageCache;
  cacheIndex: CacheIndex;
  housekeeping: Housekeeping;
  plugins: PluginHost;
  presets: PresetRegistry;
  pool: StagePool;
  bus: JobBus;
  /** Records job events (rows, the bus, the log). */
  journal: Journal;
  scheduler: Scheduler;
  /** The application service every door (CLI, HTTP, watch folders) calls. */
  jobs: JobsService;
  /** Which files of the library get a job (watched folders, backfills), with a record per file. */
  library: LibraryService;
  /** Transcription of uploads outside jobs (the whisper and OpenAI endpoints). */
  transcription: TranscriptionService;
  /** What cloud providers were paid, per job; budgets (budget.*). */
  costs: CostLedger;
  /** The configured Jellyfin, Plex and Emby servers (mediaServers). */
  mediaServers: MediaServers;
  /** What the webhooks (/hooks/*) hand their parsed payloads to. */
  hooks: HookIntake;
  /** Presets, providers and language pairs, as every door lists them. */
  catalog: ProviderCatalog;
  /** Neural models: the catalogue, what models.dir holds, pulls (`dubarr models`, GraphQL, the web page). */
  models: ModelManager;
  /** Parent of the jobs' work dirs. */
  workRoot: string;
  /** The tus uploads at /uploads (files in <dataDir>/uploads); a server also expires unfinished ones. */
  uploads: UploadServer;
  /**
   * Stops the scheduler (running jobs go back to the queue), the pool and the database.
   * `finishHousekeeping`: first let the housekeeping pass the last jobs asked for run to its end
   * (the CLI's `dub`: its only chance to prune the cache). Otherwise (serve, on SIGTERM) the pass
   * under way ends at its next check and is not waited for.
   */
  close(o?: { finishHousekeeping?: boolean }): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Retention counts days, so an idle server looks a few times a day. */
const HOUSEKEEPING_INTERVAL_MS = 6 * 3_600_000;

/** The composition root: wires the job store, stage cache, plugins, worker pool and scheduler. */
export async function createRuntime(config: Config, o: RuntimeOptions): Promise<Runtime> {
  const log = o.log;
  // Before the plugins load: the ONNX providers' option defaults are models.executionProviders/threads.
  const modelSettings = modelRuntime(config.models);
  const plugins = await PluginHost.load({
    dirs: config.plugins.dirs, options: config.plugins.options, preference: config.providers.preference, modelsDir: config.models.dir,
  }, log);
  const presets = new PresetRegistry(BUILTIN_PRESETS, readPresetDir(join(config.dataDir, 'presets')), o.presets ?? {});
  const catalog = new ProviderCatalog(plugins, presets);
  const db = openDatabase(config.database.path);
  const store = new JobStore(db);
  const delivered = new DeliveredFiles(db);
  const { cache, index: cacheIndex } = openStageCache(db, config.cache.dir);
  // Work dirs live inside the cache dir so finished results are renamed into it, not copied.
  const workRoot = join(config.cache.dir, '.work');
  let uploadServer: UploadServer | undefined;
  const housekeeping = new Housekeeping(store, cacheIndex, cache, log, {
    maxCacheBytes: config.cache.maxSizeGb * 1e9, retentionMs: config.jobs.retentionDays * DAY_MS, workRoot,
    // Passes run only once asked, after the upload server below exists.
    onJobInputReleased: async (input) => { await uploadServer?.releaseJobInput(input); },
  });
  const models = modelManagerFor(config, log, o.models);
  // Series speaker libraries (identify-speakers runs on this thread).
  setSpeakersDir(join(config.dataDir, 'speakers'));
  // Cloud providers' paid results per unit; not under cache.dir, whose pruning would throw away
  // what was bought (a re-run would pay again).
  const providerCacheDir = join(config.dataDir, 'provider-cache');
  setProviderCacheDir(providerCacheDir);
  const pool = new StagePool({
    threads: config.workers.threads, idleTimeoutMs: config.workers.idleTimeoutMs, cancelGraceMs: config.workers.cancelGraceMs,
    modelsDir: config.models.dir, providerCacheDir, ...modelSettings,
  });
  const bus = new JobBus();
  const journal = new Journal(store, bus, log);
  // One set of stage slots for the jobs and the transcription endpoints.
  const limits = new CapabilityLimits(config.stages.concurrency);
  const costs = new CostLedger(db, config.budget, o.costClock);
  const scheduler = new Scheduler({
    store, delivered, cache, cacheIndex, plugins, pool, journal, log, costs,
    limits,
    policy: { timeoutMs: config.stages.timeoutMs, retries: config.stages.retries, backoff: config.stages.backoff },
    workRoot,
    keepWorkDirOnFailure: config.jobs.keepWorkDirOnFailure,
    buildPlan: (job) => presets.plan(job),
  }, {
    concurrency: config.jobs.concurrency, maxAttempts: config.jobs.maxAttempts, takeQueued: o.takeQueued,
    onJobEnded: () => housekeeping.request(),
  });
  // Before the scheduler starts: the service follows the progress of the jobs it takes at once.
  let self: Runtime | undefined;
  let jobsService: JobsService | undefined;
  const uploads = openUploadServer({
    ...configuredUploads(config),
    onBytes: (n) => { if (self) countUploadBytes(self, n); },
    periodicCleanup: o.takeQueued ? { log } : undefined,
    // Until the service exists (it is made next) every folder counts as used: kept, never lost.
    uploadInUse: (id, folder) => jobsService?.usesUpload(id, folder) ?? true,
    log,
  });
  const jobs = new JobsService({
    config, store, delivered, bus, journal, scheduler, log, workRoot, costs,
    uploads: o.uploads ?? { dir: uploads.dir, resolve: (id) => uploadAsJobInput(uploads.dir, id), releaseJobInput: (input) => uploads.releaseJobInput(input) },
  });
  jobsService = jobs;
  uploadServer = uploads;
  const library = new LibraryService({ config, files: new LibraryFiles(db), delivered, jobs, log, uploadsDir: uploads.dir });
  const transcription = new TranscriptionService({ config, plugins, pool, limits, log, costs });
  // Listening before the scheduler starts: no job can end unheard. The outbox row is written in
  // the listener's first, synchronous step, so even a `dubarr dub` that exits at once keeps it.
  const notifier = new Notifier({ config: config.notify, db, log, job: (id) => { try { return jobs.get(id); } catch { return undefined; } } });
  jobs.onJobEnded(async (ended) => notifier.record(ended));
  const mediaServers = new MediaServers(config.mediaServers);
  const hooks = new HookIntake({ library, servers: mediaServers, config, log });
  // A server tells the media servers about the jobs it runs; `dubarr dub` exits when its job
  // is done, without waiting out a media server's retries (its library scan finds the files).
  if (o.takeQueued && mediaServers.all.length > 0) jobs.onJobEnded(libraryRefresh({ servers: mediaServers, jobs, log, retry: o.mediaServerRetry }));
  scheduler.start();
  // A server also cleans up at start and now and then while idle; the CLI only after its job.
  let housekeepingTimer: NodeJS.Timeout | undefined;
  if (o.takeQueued) {
    housekeeping.request({ reconcile: true });
    await transcription.sweep();
    housekeepingTimer = setInterval(() => housekeeping.request(), HOUSEKEEPING_INTERVAL_MS).unref();
  }
  let closed = false;
  self = {
    config, log, store, apiKeys: new ApiKeys(db), delivered, cache, cacheIndex, housekeeping, plugins, presets, pool, bus, journal, scheduler, jobs, library, transcription, costs, catalog, mediaServers, hooks, workRoot, uploads, models,
    async close(c = {}) {
      if (closed) return;
      closed = true;
      clearInterval(housekeepingTimer);
      uploads.close();
      // Pulls stop where they are; their bytes stay for the next pull to resume.
      await models.close();
      // A server stops housekeeping first: the jobs stopped below then ask for no pass, and a
      // pass under way (a start-up reconcile, a prune) ends at its next check. `docker stop`
      // kills after 10 s; a whole pass may take longer.
      if (!c.finishHousekeeping) housekeeping.stop();
      await scheduler.stop();
      await notifier.close();
      // What acts on ended jobs (media server refresh) stops its retries; its warnings are journalled below.
      await jobs.close();
      await pool.close();
      if (c.finishHousekeeping) {
        // The pass the last jobs asked for runs to its end: for `dubarr dub` it is the only one.
        // No job runs now, so no further pass is asked for.
        await housekeeping.idle();
        housekeeping.stop();
      }
      journal.flush();
      db.close();
    },
  };
  return self;
}
