import { DubarrError } from '../../plugins/sdk/errors.js';
import type { JobStatus } from '../jobs/store.js';
import { byPath, type FileDecision } from '../library/file-decision.js';
import type { LibraryService } from '../library/library-service.js';
import type { ModelManager, PullState } from '../models/model-manager.js';
import type { CreateJobInput, OutputMode, PriorityName } from '../service/create-input.js';
import { jobCursor, type JobsService } from '../service/jobs-service.js';
import type { JobView } from '../service/job-view.js';
import type { ProviderCatalog } from '../service/provider-catalog.js';
import type { SystemInfo } from '../service/system-info.js';
import { jsonScalar } from './json-scalar.js';
import { artifactObject, jobObject, upper, type JobObject } from './job-object.js';
import { modelObject, pullObject } from './model-object.js';

/** What resolvers may call: services, never the job store or the scheduler. */
export interface GraphqlServices {
  jobs: JobsService;
  /** Backfills (scanLibrary). */
  library: LibraryService;
  catalog: ProviderCatalog;
  /** Neural models: list, pull, remove, verify. */
  models: ModelManager;
  system(): Promise<SystemInfo>;
}

export interface GraphqlContext { services: GraphqlServices }

interface CreateJobArgs {
  input: {
    path?: string | null; uploadId?: string | null; targetLanguages: string[]; sourceLanguage?: string | null; preset?: string | null;
    outputMode?: Uppercase<OutputMode> | null; providers?: Array<{ capability: string; provider: string }> | null;
    glossary?: Array<{ source: string; target?: string | null }> | null; priority?: Uppercase<PriorityName> | null;
  };
}

const lower = <T extends string>(v: T | null | undefined) => (v == null ? undefined : (v.toLowerCase() as Lowercase<T>));
const orUndefined = <T>(v: T | null | undefined) => (v === null ? undefined : v);

/** The API's request in the service's terms; an API door, so paths are held to server.mediaRoots. */
export function createJobInput({ input }: CreateJobArgs): CreateJobInput {
  let providers: Record<string, string> | undefined;
  for (const { capability, provider } of input.providers ?? []) {
    providers ??= {};
    if (Object.hasOwn(providers, capability)) throw new DubarrError('E_INVALID_ARGUMENT', `providers: capability '${capability}' is named twice; give one provider per capability`);
    providers[capability] = provider;
  }
  return {
    path: orUndefined(input.path), uploadId: orUndefined(input.uploadId),
    targetLanguages: input.targetLanguages, sourceLanguage: orUndefined(input.sourceLanguage), preset: orUndefined(input.preset),
    outputMode: lower(input.outputMode), providers, priority: lower(input.priority),
    glossary: input.glossary?.map((e) => (e.target == null ? { term: e.source } : { term: e.source, translation: e.target })),
    origin: 'api',
  };
}

/**
 * Ends the service's updates when the client goes away: graphql-js calls `return`, which
 * aborts the generator's wait at once instead of at its next event.
 */
function untilReturned<T>(start: (signal: AbortSignal) => AsyncGenerator<T>): AsyncIterableIterator<T> {
  const stop = new AbortController();
  const updates = start(stop.signal);
  return {
    next: () => updates.next(),
    return: (v?: unknown) => { stop.abort(); return updates.return(v as T); },
    throw: (e?: unknown) => { stop.abort(); return updates.throw(e); },
    [Symbol.asyncIterator]() { return this; },
  };
}

/** A decision in the schema's shape; `job` is a field resolver (read only when asked for). */
function decisionObject(d: FileDecision) {
  return {
    path: d.path, action: upper(d.action), reason: d.reason && (upper(d.reason).replace('-', '_') as string), languages: d.languages,
    jobId: d.jobId ?? d.waitingFor, errorCode: d.errorCode, retryAt: d.retryAt === undefined ? undefined : new Date(d.retryAt).toISOString(),
  };
}

type DecisionObject = ReturnType<typeof decisionObject>;

function jobOrNull(jobs: JobsService, id: string): JobObject | null {
  try {
    return jobObject(jobs.get(id));
  } catch (e) {
    if (DubarrError.from(e).code === 'E_JOB_NOT_FOUND') return null;
    throw e;
  }
}

export const resolvers = {
  JSON: jsonScalar,
  Query: {
    job: (_: unknown, { id }: { id: string }, { services }: GraphqlContext) => jobOrNull(services.jobs, id),
    jobs: (_: unknown, a: { first?: number | null; after?: string | null; status?: Uppercase<JobStatus> | null; search?: string | null }, { services }: GraphqlContext) => {
      const page = services.jobs.list({ first: orUndefined(a.first), after: orUndefined(a.after), status: lower(a.status), search: orUndefined(a.search) });
      const nodes = page.items.map(jobObject);
      return { nodes, edges: page.items.map((v, i) => ({ cursor: jobCursor(v), node: nodes[i] })), pageInfo: page.pageInfo };
    },
    presets: (_: unknown, __: unknown, { services }: GraphqlContext) => services.catalog.presets(),
    providers: (_: unknown, { capability }: { capability?: string | null }, { services }: GraphqlContext) => services.catalog.providers(orUndefined(capability)),
    languages: (_: unknown, __: unknown, { services }: GraphqlContext) => services.catalog.languages(),
    system: (_: unknown, __: unknown, { services }: GraphqlContext) => services.system(),
    models: async (_: unknown, __: unknown, { services }: GraphqlContext) => (await services.models.list()).map(modelObject),
  },
  Mutation: {
    createJob: async (_: unknown, args: CreateJobArgs, { services }: GraphqlContext) => jobObject(await services.jobs.create(createJobInput(args))),
    cancelJob: (_: unknown, { id }: { id: string }, { services }: GraphqlContext) => jobObject(services.jobs.cancel(id)),
    retryJob: (_: unknown, { id }: { id: string }, { services }: GraphqlContext) => jobObject(services.jobs.retry(id)),
    deleteJob: async (_: unknown, { id }: { id: string }, { services }: GraphqlContext) => {
      const r = await services.jobs.delete(id);
      return { id: r.id, removedFiles: r.removedFiles.length };
    },
    scanLibrary: async (_: unknown, a: { path: string; targetLanguages?: string[] | null; dryRun?: boolean | null }, { services }: GraphqlContext) => {
      const decisions: FileDecision[] = [];
      const dryRun = a.dryRun ?? false;
      const s = await services.library.scan(a.path, {
        origin: 'backfill', door: 'api', dryRun, targetLanguages: orUndefined(a.targetLanguages), onDecision: (d) => decisions.push(d),
      });
      decisions.sort(byPath);
      return { path: s.path, dryRun, files: s.files, queued: s.queued, decisions: decisions.map(decisionObject) };
    },
    pullModel: async (_: unknown, { id }: { id: string }, { services }: GraphqlContext) => pullObject(await services.models.startPull(id)),
    removeModel: (_: unknown, { id }: { id: string }, { services }: GraphqlContext) => services.models.remove(id),
    verifyModel: (_: unknown, { id }: { id: string }, { services }: GraphqlContext) => services.models.verify(id),
  },
  Subscription: {
    jobUpdated: {
      subscribe: (_: unknown, { id }: { id: string }, { services }: GraphqlContext) => untilReturned((signal) => services.jobs.subscribe(id, { signal })),
      resolve: (v: JobView) => jobObject(v),
    },
    jobsUpdated: {
      subscribe: (_: unknown, __: unknown, { services }: GraphqlContext) => untilReturned((signal) => services.jobs.subscribeAll({ signal })),
      resolve: (v: JobView) => jobObject(v),
    },
    modelPullUpdated: {
      subscribe: (_: unknown, { id }: { id: string }, { services }: GraphqlContext) => untilReturned((signal) => services.models.pullUpdates(id, { signal })),
      resolve: (v: PullState) => pullObject(v),
    },
  },
  LibraryDecision: {
    job: (d: DecisionObject, _: unknown, { services }: GraphqlContext) => (d.jobId ? jobOrNull(services.jobs, d.jobId) : null),
  },
  Job: {
    artifacts: (job: JobObject, _: unknown, { services }: GraphqlContext) => services.jobs.artifacts(job.id).map(artifactObject),
  },
};
