/**
 * The one source of job updates for the page: GraphQL's `jobsUpdated` subscription as
 * server-sent events (yoga's GraphQL over SSE: a POST with Accept: text/event-stream, read by
 * event-stream.ts since EventSource cannot send the key header), plus a read of the newest jobs
 * (Query.jobs) each time the stream opens.
 *
 * Nothing is missed between the read and the stream: the stream is opened first, and the list is
 * read once its first bytes arrive (yoga sends a ping at once, and by then the server's
 * subscription listens). Events that arrive while the read is under way are applied after it, in
 * order; each carries its job's state when it was sent, so the last one applied is the newest.
 * A dropped stream (server restart, lost network, an error event) is reopened after a pause that
 * doubles from 0.5 s to 8 s, and the list is read again. The subscription sends no event for a
 * deleted job: the page reads the list again after its own actions (`poke`).
 */
import type { CostLineView, CostView } from './cost-summary.js';
import { api, apiFetch, graphql } from './api.js';
import { eventStream } from './event-stream.js';

export interface StageView {
  id: string; capability: string; provider?: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'cached' | 'skipped' | 'cancelled';
  progress: number; cached: boolean; durationMs?: number; error?: { code: string; message: string };
}

export interface JobView {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number; progressNote?: string; etaSeconds?: number;
  input: string; preset: string; targetLanguages: string[];
  error?: { code: string; message: string; hint: string };
  /** ms since the epoch. */
  createdAt: number; finishedAt?: string;
  stages: StageView[];
  qa?: unknown;
  cost?: CostView;
}

export interface Artifact { name: string; kind: string; language: string | null; size: number; url: string }

/** The page lists this many of the newest jobs. */
const NEWEST = 50;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 8000;

/**
 * The fields the page shows, written into both operations: the depth limit (6) counts a
 * fragment spread as a level, and jobs.nodes.stages.error.code already takes five.
 */
const JOB = `{
  id status progress progressNote eta createdAt finishedAt input preset targetLanguages
  error { code message hint }
  stages { id capability provider status progress cached durationMs error { code message } }
  qa
  cost { totalUsd savedUsd unpriced lines { step provider product unit state quantity usd } }
}`;
const LIST = `query PageJobs { jobs(first: ${NEWEST}) { nodes ${JOB} } }`;
const SUBSCRIBE = `subscription PageJobUpdates { jobsUpdated ${JOB} }`;

/** A Job as GraphQL gives it (enums upper case, null for absent). */
interface GqlJob {
  id: string; status: string; progress: number; progressNote: string | null; eta: number | null; createdAt: string; finishedAt: string | null;
  input: string; preset: string; targetLanguages: string[]; error: { code: string; message: string; hint: string } | null;
  stages: Array<{ id: string; capability: string; provider: string | null; status: string; progress: number; cached: boolean; durationMs: number | null; error: { code: string; message: string } | null }>;
  qa: unknown;
  cost: { totalUsd: number; savedUsd: number; unpriced: boolean; lines: Array<{ step: string | null; provider: string; product: string | null; unit: string; state: string; quantity: number; usd: number | null }> } | null;
}

const orUndefined = <T>(v: T | null) => (v === null ? undefined : v);

function jobView(j: GqlJob): JobView {
  return {
    id: j.id, status: j.status.toLowerCase() as JobView['status'], progress: j.progress,
    progressNote: orUndefined(j.progressNote), etaSeconds: orUndefined(j.eta),
    input: j.input, preset: j.preset, targetLanguages: j.targetLanguages, error: orUndefined(j.error),
    createdAt: Date.parse(j.createdAt), finishedAt: orUndefined(j.finishedAt),
    stages: j.stages.map((s) => ({
      id: s.id, capability: s.capability, provider: orUndefined(s.provider), status: s.status.toLowerCase() as StageView['status'],
      progress: s.progress, cached: s.cached, durationMs: orUndefined(s.durationMs), error: orUndefined(s.error),
    })),
    qa: orUndefined(j.qa),
    cost: j.cost ? {
      ...j.cost,
      lines: j.cost.lines.map((l) => ({
        step: orUndefined(l.step), provider: l.provider, product: orUndefined(l.product), unit: l.unit,
        state: l.state.toLowerCase() as CostLineView['state'], quantity: l.quantity, usd: orUndefined(l.usd),
      })),
    } : undefined,
  };
}

/** 'live': the stream is open and the list read; 'reconnecting': the stream dropped, the list may be behind. */
export type FeedState = 'live' | 'reconnecting';

export interface JobFeed {
  /** The newest jobs, newest first, each time one changes (only the latest list while the reader is busy). */
  updates: AsyncIterable<JobView[]>;
  /** Read the list again now (after the page's own create, cancel, retry or delete). */
  poke(): void;
}

export function jobUpdates(state: (s: FeedState) => void = () => {}): JobFeed {
  let jobs = new Map<string, JobView>();
  /** Events that came while a list read was under way, applied after it. */
  let held: JobView[] | undefined;
  let latest: JobView[] | undefined;
  let wake: (() => void) | undefined;
  const publish = () => {
    latest = [...jobs.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).slice(0, NEWEST);
    if (jobs.size > latest.length) jobs = new Map(latest.map((j) => [j.id, j])); // older jobs are not shown: forget them
    wake?.();
  };
  const apply = (job: JobView) => {
    if (held) { held.push(job); return; }
    jobs.set(job.id, job);
    publish();
  };

  /** Reads run one after another; each replaces the list, then replays what came meanwhile. */
  let reading: Promise<void> = Promise.resolve();
  const readList = (): Promise<void> => {
    reading = reading.catch(() => undefined).then(async () => {
      held = [];
      try {
        const page = await graphql<{ jobs: { nodes: GqlJob[] } }>(LIST);
        jobs = new Map(page.jobs.nodes.map((j) => [j.id, jobView(j)]));
      } finally {
        const meanwhile = held;
        held = undefined;
        for (const j of meanwhile) jobs.set(j.id, j);
        publish();
      }
    });
    return reading;
  };

  /** Opens the stream, reads the list once it is open, applies its events; forever, pausing after each drop. */
  async function follow(): Promise<never> {
    let pause = FIRST_RETRY_MS;
    for (;;) {
      const stream = new AbortController();
      try {
        const res = await apiFetch('/graphql', {
          method: 'POST', signal: stream.signal,
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query: SUBSCRIBE }),
        });
        if (!res.ok || !res.body) throw new Error(`the job stream answered ${res.status}`);
        // A failed read leaves the list unsure: drop the stream and start over. A read that ends
        // after its stream dropped says nothing about the next one.
        const opened = () => readList().then(() => {
          if (stream.signal.aborted) return;
          pause = FIRST_RETRY_MS;
          state('live');
        }, () => stream.abort());
        for await (const e of eventStream(res.body, () => void opened())) {
          if (e.event === 'complete') break;
          if (e.event !== 'next') continue;
          const r = JSON.parse(e.data) as { data?: { jobsUpdated: GqlJob | null }; errors?: unknown[] };
          if (r.errors?.length || !r.data) throw new Error(`the job stream sent an error: ${JSON.stringify(r.errors)}`);
          if (r.data.jobsUpdated) apply(jobView(r.data.jobsUpdated));
        }
      } catch {
        // Dropped or refused: pause, then open it again.
      } finally {
        stream.abort();
      }
      state('reconnecting');
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, MAX_RETRY_MS);
    }
  }

  async function* updates(): AsyncGenerator<JobView[]> {
    for (;;) {
      if (!latest) await new Promise<void>((r) => { wake = r; });
      wake = undefined;
      const out = latest;
      latest = undefined;
      if (out) yield out;
    }
  }

  void follow();
  return { updates: updates(), poke: () => { readList().catch(() => undefined); } };
}

export async function artifactsOf(id: string): Promise<Artifact[]> {
  return (await api<{ items: Artifact[] }>(`/api/jobs/${encodeURIComponent(id)}/artifacts`)).items;
}
