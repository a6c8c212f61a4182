/**
 * The one source of job updates for the page. Today it polls the REST list (every second while
 * a job is queued or running, every 10 s otherwise); the GraphQL `jobsUpdated` subscription
 * over SSE can replace the inside of `jobUpdates` without the page noticing.
 */
import { api } from './api.js';

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
  createdAt: number; finishedAt?: number;
  stages: StageView[];
  qa?: unknown;
}

export interface Artifact { name: string; kind: string; language: string | null; size: number; url: string }

const BUSY_MS = 1000;
const IDLE_MS = 10_000;

export interface JobFeed {
  /** Each new state of the newest jobs, the first at once. */
  updates: AsyncIterable<JobView[]>;
  /** Look now (a job was just created, cancelled or deleted). */
  poke(): void;
}

export function jobUpdates(signal?: AbortSignal): JobFeed {
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  async function* updates(): AsyncGenerator<JobView[]> {
    let last = '';
    while (!signal?.aborted) {
      let jobs: JobView[] | undefined;
      try {
        jobs = (await api<{ items: JobView[] }>('/api/jobs?first=50')).items;
      } catch {
        jobs = undefined; // the server is restarting or unreachable: try again at the next tick
      }
      if (jobs) {
        const text = JSON.stringify(jobs);
        if (text !== last) { last = text; yield jobs; }
      }
      const busy = !jobs || jobs.some((j) => j.status === 'queued' || j.status === 'running');
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, busy ? BUSY_MS : IDLE_MS);
        function done() { clearTimeout(t); wake = undefined; resolve(); }
        wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
  return { updates: updates(), poke };
}

export async function artifactsOf(id: string): Promise<Artifact[]> {
  return (await api<{ items: Artifact[] }>(`/api/jobs/${encodeURIComponent(id)}/artifacts`)).items;
}
