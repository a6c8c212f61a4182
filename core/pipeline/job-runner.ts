import { UNMETERED } from '../../plugins/sdk/cost.js';
import { withoutSecrets } from '../config/secret-keys.js';
import type { CostLedger } from '../jobs/cost-ledger.js';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative } from 'node:path';
import type { Logger } from 'pino';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { Delivery } from '../../plugins/sdk/artifacts.js';
import { SourceLanguageSummary } from '../../plugins/sdk/language-evidence.js';
import type { StageInput, StageOutput, StageResult } from '../../plugins/sdk/plugin.js';
import type { CapabilityLimits } from '../jobs/priority-limiter.js';
import type { CacheIndex } from '../jobs/cache-index.js';
import type { Journal } from '../jobs/journal.js';
import { fingerprintFile } from '../../plugins/sdk/file-fingerprint.js';
import { cacheKey, canonicalJson, hashFile, type StageCache } from '../jobs/stage-cache.js';
import type { Job, JobStore } from '../jobs/store.js';
import type { PluginHost, StageChoice } from '../plugin-host/plugin-host.js';
import type { StagePool } from '../workers/stage-pool.js';
import { executeStage } from './execute-stage.js';
import { prepareOutputLocations } from './output-locations.js';
import type { Plan, PlanStep } from './plan.js';
import { ProgressTracker } from './progress.js';
import { SourceLanguages } from './source-language.js';
import { unreadBecause } from './unread-steps.js';

export interface StagePolicy {
  timeoutMs: Readonly<Record<string, number>>;
  retries: Readonly<Record<string, number>>;
  backoff: { baseMs: number; maxMs: number; factor: number };
}

export interface RunnerDeps {
  store: JobStore;
  cache: StageCache;
  cacheIndex: CacheIndex;
  plugins: PluginHost;
  pool: StagePool;
  limits: CapabilityLimits;
  journal: Journal;
  log: Logger;
  policy: StagePolicy;
  /** Parent of every job's work dirs; on the cache's filesystem so results move, not copy. */
  workRoot: string;
  keepWorkDirOnFailure: boolean;
  buildPlan(job: Job): Plan;
  /** Where paid cloud calls are recorded and budgets checked (absent: nothing is metered). */
  costs?: CostLedger;
}

export interface JobOutcome {
  /** Outputs of the plan's final steps (those no other step reads). */
  outputs: Record<string, { files: Record<string, string>; data: unknown }>;
  /** Files the delivery steps wrote into the user's library (their Delivery documents). */
  delivered: string[];
}

/**
 * Runs one job's plan: every step whose inputs are ready starts, up to the capability limits;
 * a step's result comes from the stage cache when its key is known, so a job restarted after a
 * crash resumes at its first unfinished step. The first failure cancels the steps in flight.
 */
export async function runJob(deps: RunnerDeps, job: Job, signal: AbortSignal): Promise<JobOutcome> {
  const plan = job.plan ?? deps.buildPlan(job);
  if (!job.plan) deps.store.setPlan(job.id, plan);
  const jobDir = join(deps.workRoot, job.id);
  await mkdir(jobDir, { recursive: true });
  const progress = new ProgressTracker(deps, job.id, plan.steps);
  // No stage of this job runs now: a reservation still open is one a stopped run left behind.
  deps.costs?.closeOpenReservations(job.id);
  let failed = false;
  try {
    // Again at start: a queued job may have waited hours, and folders change.
    prepareOutputLocations(job.input, job.options, { when: 'start' });
    const outputs = new Map<string, StageOutput>([['source', await sourceOutput(job)]]);
    const pending = new Map(plan.steps.map((s) => [s.id, s]));
    const inFlight = new Map<string, Promise<void>>();
    const languages = new SourceLanguages(plan);
    const siblings = new AbortController();
    const stepSignal = AbortSignal.any([signal, siblings.signal]);
    let firstError: unknown;
    while ((pending.size > 0 && firstError === undefined) || inFlight.size > 0) {
      if (firstError === undefined) {
        for (const step of [...pending.values()]) {
          if (!Object.values(step.inputs).every((ref) => outputs.has(ref))) continue;
          pending.delete(step.id);
          const p = runOrSkip(deps, job, plan, step, outputs, jobDir, progress, stepSignal, languages)
            .then((out) => {
              outputs.set(step.id, out);
              languages.record(step, out);
              const decided = step.capability === 'source-language' ? SourceLanguageSummary.safeParse(out.data) : undefined;
              if (decided?.success) deps.journal.record(job.id, 'job.source-language', step.id, decided.data);
            })
            .catch((e: unknown) => { if (firstError === undefined) { firstError = e; siblings.abort(); } })
            .finally(() => inFlight.delete(step.id));
          inFlight.set(step.id, p);
        }
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }
    if (firstError !== undefined) throw signal.aborted ? new DubarrError('E_CANCELLED', 'Cancelled') : firstError;
    if (pending.size > 0) throw new DubarrError('E_INTERNAL', `steps never became ready: ${[...pending.keys()].join(', ')}`);
    // The job's result: its final steps and its delivery steps (those with side effects).
    const consumed = new Set(plan.steps.flatMap((s) => Object.values(s.inputs)));
    const final = plan.steps.filter((s) => !consumed.has(s.id) || !s.cache);
    progress.finish();
    return {
      outputs: Object.fromEntries(final.map((s) => [s.id, { files: outputs.get(s.id)!.files, data: outputs.get(s.id)!.data }])),
      delivered: deliveredFiles(plan, outputs),
    };
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    progress.close();
    if (!(failed && deps.keepWorkDirOnFailure)) await rm(jobDir, { recursive: true, force: true });
  }
}

/**
 * An in-place job whose file is gone, with a file of the same name and another extension beside
 * it: an earlier run of this job may have finished its swap (Movie.ts -> Movie.mkv, the container
 * changed) and stopped before it could record its success. Says so; undefined otherwise.
 */
/** What an in-place swap that changed the container can leave (the containers the mux writes). */
const SWAP_CONTAINERS = new Set(['.mkv', '.mp4', '.mov', '.webm']);

async function inPlaceNote(job: Job): Promise<string | undefined> {
  if (job.options.mode !== 'inplace') return undefined;
  const stem = basename(job.input, extname(job.input));
  const names = await readdir(dirname(job.input)).catch(() => [] as string[]);
  const beside = names.filter((n) => n !== basename(job.input) && basename(n, extname(n)) === stem && SWAP_CONTAINERS.has(extname(n).toLowerCase()));
  if (beside.length === 0) return undefined;
  return `${beside.map((n) => join(dirname(job.input), n)).join(', ')} is beside it: an earlier run of this in-place job may have replaced `
    + 'the file by it (the container changed) before dubarr stopped. Check that file; it carries the dub if so, and nothing needs doing.';
}

/** What the delivery steps (cache: false) say they wrote: every path once. */
function deliveredFiles(plan: Plan, outputs: ReadonlyMap<string, StageOutput>): string[] {
  const files = new Set<string>();
  for (const step of plan.steps.filter((s) => !s.cache)) {
    const d = Delivery.safeParse(outputs.get(step.id)?.data);
    if (!d.success) continue;
    for (const f of d.data.written) files.add(f);
    if (d.data.video) files.add(d.data.video);
  }
  return [...files];
}

async function sourceOutput(job: Job): Promise<StageOutput> {
  const input = job.input;
  const st = await stat(input).catch(() => undefined);
  if (!st?.isFile()) {
    const beside = await inPlaceNote(job);
    throw new DubarrError('E_INPUT_NOT_FOUND', `Input file not found: ${input}${beside ? `. ${beside}` : ''}`);
  }
  // Size, mtime and sampled content: see fingerprintFile for what an edit must change to be seen.
  return { files: { media: input }, data: { path: input, size: st.size }, hash: await fingerprintFile(input) };
}

/** A plugin's option overrides for one step: the preset step's, then the job's (which win). */
export function stepOverrides(job: Job, step: PlanStep, plugin: string): Record<string, unknown> | undefined {
  const fromStep = step.options?.[plugin];
  const fromJob = job.options.plugins?.[plugin];
  return fromStep || fromJob ? { ...fromStep, ...fromJob } : undefined;
}

async function runOrSkip(
  deps: RunnerDeps, job: Job, plan: Plan, step: PlanStep, outputs: Map<string, StageOutput>, jobDir: string,
  progress: ProgressTracker, signal: AbortSignal, languages: SourceLanguages,
): Promise<StageOutput> {
  const unread = await unreadBecause(plan, step, deps.plugins, {
    paramsFor: (reader) => languages.paramsFor(reader),
    optionsFor: (plugin) => deps.plugins.optionsFor(plugin, job.options.plugins?.[plugin]),
  });
  if (!unread) return runStep(deps, job, step, outputs, jobDir, progress, signal, languages);
  return skipStep(deps, job, step, progress, `nothing would read it: ${unread.join('; ')}`);
}

/** A step that does not run: its readers get no document (optional steps, and what only they read). */
function skipStep(deps: RunnerDeps, job: Job, step: PlanStep, progress: ProgressTracker, reason: string): StageOutput {
  recordSkip(deps, job, step, { code: 'E_NO_PROVIDER', message: reason });
  progress.update(step.id, 1);
  return { files: {}, data: null, hash: 'skipped' };
}

/**
 * A skipped stage run and its event: one provider that declined the step before running it
 * (`choice`), or the whole step.
 */
function recordSkip(deps: RunnerDeps, job: Job, step: PlanStep, why: { code: string; message: string }, choice?: StageChoice): void {
  const stageId = choice?.stage.id;
  const provider = choice?.plugin.def.name;
  const id = deps.store.startStageRun({ jobId: job.id, step: step.id, stageId, provider, status: 'skipped' });
  deps.store.finishStageRun(id, 'skipped', { error: { code: why.code, message: why.message } });
  deps.journal.record(job.id, 'stage.skipped', step.id, { stage: stageId, provider, reason: why.message });
}

async function runStep(
  deps: RunnerDeps, job: Job, step: PlanStep, outputs: Map<string, StageOutput>, jobDir: string,
  progress: ProgressTracker, signal: AbortSignal, languages: SourceLanguages,
): Promise<StageOutput> {
  const params = languages.paramsFor(step);
  let choices: StageChoice[];
  try {
    choices = await deps.plugins.select(step.capability, {
      provider: step.provider, sourceLanguage: params.sourceLanguage ?? params.sourceLanguageHint, targetLanguage: params.targetLanguage,
      overrides: (plugin) => stepOverrides(job, step, plugin),
    });
  } catch (e) {
    if (!step.optional || DubarrError.from(e).code !== 'E_NO_PROVIDER') throw withTagNote(e, params);
    return skipStep(deps, job, step, progress, (e as Error).message);
  }
  const inputs = Object.fromEntries(Object.entries(step.inputs).map(([name, ref]) => [name, outputs.get(ref)!]));
  const declined: string[] = [];
  for (const choice of choices) {
    const name = choice.plugin.def.name;
    const options = deps.plugins.optionsFor(name, stepOverrides(job, step, name));
    // A step with side effects is never cached: it needs no key, so no engine fingerprint.
    let key: string | undefined;
    if (step.cache) {
      try {
        key = await stepKey(deps, choice, { options, params, inputs });
      } catch (e) {
        // The engine cannot say what it is (a model file vanished): it cannot run this step either.
        const err = DubarrError.from(e);
        if (err.code !== 'E_PROVIDER_UNAVAILABLE') throw e;
        recordSkip(deps, job, step, err, choice);
        declined.push(`${name}: ${err.message}`);
        continue;
      }
      const hit = await deps.cache.get(key);
      // Recorded only if the entry is still there: the record is what keeps a prune off it from now on.
      if (hit && deps.cacheIndex.claimHit(key, () => {
        const id = deps.store.startStageRun({ jobId: job.id, step: step.id, stageId: choice.stage.id, provider: name, status: 'cached', cacheKey: key });
        deps.store.finishStageRun(id, 'cached', { artifacts: { files: hit.files, hash: hit.hash } });
      })) {
        deps.journal.record(job.id, 'stage.cached', step.id, { stage: choice.stage.id, provider: name });
        progress.update(step.id, 1);
        return hit;
      }
    }
    try {
      const out = await runWithRetries(deps, job, step, choice, { options, params, inputs }, key, jobDir, progress, signal);
      progress.update(step.id, 1);
      return out;
    } catch (e) {
      if (DubarrError.from(e).code !== 'E_NOT_APPLICABLE') throw e;
      declined.push(`${name}: ${(e as Error).message}`);
    }
  }
  const none = `Every provider for step '${step.id}' declined:\n  ${declined.join('\n  ')}`;
  // An optional step (a QA-only back-transcription) never fails the job it would only add to.
  if (step.optional) return skipStep(deps, job, step, progress, none);
  throw withTagNote(new DubarrError('E_NO_PROVIDER', none), params);
}

/** The step's cache key with this provider: its code identity and engine fingerprint, options, params, inputs. */
async function stepKey(deps: RunnerDeps, choice: StageChoice, input: StageInput): Promise<string> {
  const { options, params, inputs } = input;
  const name = choice.plugin.def.name;
  const { code, engine } = await deps.plugins.fingerprint(name, options as object, { sourceLanguage: params.sourceLanguage, targetLanguage: params.targetLanguage });
  const external = await choice.stage.externalInputs?.(input);
  return cacheKey({
    // Credentials change no result: a rotated API key must not re-run (and re-pay) a step.
    stageId: choice.stage.id, code, engine, options: withoutSecrets(options), params, external,
    inputs: Object.fromEntries(Object.entries(inputs).map(([n, o]) => [n, o.hash])),
  });
}

/** A provider chosen by the audio stream's tag failed: say that the tag may be what is wrong. */
function withTagNote(e: unknown, params: StageInput['params']): unknown {
  const err = DubarrError.from(e);
  if (err.code !== 'E_NO_PROVIDER' || params.sourceLanguage || !params.sourceLanguageHint) return e;
  return new DubarrError(err.code, `${err.message}\n(The source language '${params.sourceLanguageHint}' comes from the audio stream's language tag; if the tag is wrong, pass --from <language>.)`,
    { details: err.details, cause: err });
}

async function runWithRetries(
  deps: RunnerDeps, job: Job, step: PlanStep, choice: StageChoice, input: StageInput, key: string | undefined,
  jobDir: string, progress: ProgressTracker, signal: AbortSignal,
): Promise<StageOutput> {
  const { stage, plugin } = choice;
  const retries = stage.retries ?? deps.policy.retries[stage.capability] ?? deps.policy.retries.default ?? 0;
  const timeoutMs = stage.timeoutMs ?? deps.policy.timeoutMs[stage.capability] ?? deps.policy.timeoutMs.default ?? 3_600_000;
  for (let attempt = 1; ; attempt++) {
    const release = await deps.limits.acquire(stage.capability, job.priority, signal);
    const workDir = await mkdtemp(join(jobDir, `${step.id.replace(/[^a-z0-9-]/gi, '_')}-`));
    const runId = deps.store.startStageRun({ jobId: job.id, step: step.id, stageId: stage.id, provider: plugin.def.name, cacheKey: key, attempt });
    deps.journal.record(job.id, 'stage.started', step.id, { stage: stage.id, provider: plugin.def.name, attempt });
    const t0 = performance.now();
    try {
      const result = await executeStage(stage, input, {
        workDir, signal, timeoutMs, pool: deps.pool, log: deps.log.child({ job: job.id, step: step.id }),
        onProgress: (f, note) => progress.update(step.id, f, note), cost: deps.costs?.meterFor(job.id, step.id) ?? UNMETERED,
      });
      assertFilesInside(stage.id, result, workDir);
      // Only a result in the cache counts as finished: a crash before this line redoes the stage.
      // (No key: a step that is never cached; its files live in the job's dir until it ends.)
      const out = key !== undefined
        ? await deps.cache.put(key, stage.id, result)
        : { files: result.files ?? {}, data: result.data ?? null, hash: await hashResult(result) };
      if (key !== undefined) await rm(workDir, { recursive: true, force: true });
      const durationMs = Math.round(performance.now() - t0);
      deps.store.finishStageRun(runId, 'succeeded', { artifacts: { files: out.files, hash: out.hash } });
      deps.journal.record(job.id, 'stage.succeeded', step.id, { stage: stage.id, provider: plugin.def.name, durationMs });
      return out;
    } catch (e) {
      const err = DubarrError.from(e);
      const durationMs = Math.round(performance.now() - t0);
      await rm(workDir, { recursive: true, force: true });
      if (err.code === 'E_NOT_APPLICABLE') {
        deps.store.finishStageRun(runId, 'skipped', { error: { code: err.code, message: err.message } });
        deps.journal.record(job.id, 'stage.skipped', step.id, { stage: stage.id, provider: plugin.def.name, reason: err.message });
        throw err;
      }
      const cancelled = err.code === 'E_CANCELLED' || signal.aborted;
      deps.store.finishStageRun(runId, cancelled ? 'cancelled' : 'failed', { error: { code: err.code, message: err.message } });
      const retry = !cancelled && err.retryable && attempt <= retries;
      deps.journal.record(job.id, cancelled ? 'stage.cancelled' : retry ? 'stage.retrying' : 'stage.failed', step.id, {
        stage: stage.id, provider: plugin.def.name, attempt, durationMs, code: err.code, error: err.message,
      });
      if (!retry) throw cancelled && err.code !== 'E_CANCELLED' ? new DubarrError('E_CANCELLED', 'Cancelled', { cause: err }) : err;
      await backoff(deps.policy.backoff, attempt, signal);
    } finally {
      release();
    }
  }
}

function assertFilesInside(stageId: string, result: StageResult, workDir: string): void {
  for (const [name, file] of Object.entries(result.files ?? {})) {
    const rel = relative(workDir, file);
    if (rel.startsWith('..') || rel === '' || file !== join(workDir, rel)) {
      throw new DubarrError('E_PLUGIN_INVALID', `${stageId} returned file '${name}' outside its work dir: ${file}`);
    }
  }
}

async function hashResult(result: StageResult): Promise<string> {
  const files: Record<string, string> = {};
  for (const [n, f] of Object.entries(result.files ?? {})) files[n] = await hashFile(f);
  return createHash('sha256').update(canonicalJson({ data: result.data ?? null, files })).digest('hex');
}

/** Exponential backoff with ±20 % jitter, so retries of parallel jobs do not hit a provider together. */
async function backoff(b: StagePolicy['backoff'], attempt: number, signal: AbortSignal): Promise<void> {
  const base = Math.min(b.maxMs, b.baseMs * b.factor ** (attempt - 1));
  const ms = Math.round(base * (0.8 + Math.random() * 0.4));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(new DubarrError('E_CANCELLED', 'Cancelled')); };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
