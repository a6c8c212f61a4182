/**
 * GraphQL subscriptions on a real server (127.0.0.1, port 0): jobUpdated over server-sent events
 * (GET, as curl and EventSource send it) and over WebSocket (graphql-ws), on a job of the test
 * stages held at a known point, so the subscription certainly starts while it runs: progress
 * never goes back, the last event is SUCCEEDED; a late subscriber gets one event and the end;
 * jobsUpdated over WebSocket sees every change of a job.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { dataOf, gqlServer, readEventStream, wsClient, wsSubscribe, type GqlResult, type GqlServer } from './graphql-harness.js';
import { testRuntime, type TestRuntime } from './harness.js';

interface JobOut { id: string; status: string; progress: number; stages: Array<{ id: string; status: string; progress: number }> }
type Updated = { jobUpdated: JobOut };

const FIELDS = 'id status progress stages { id status progress }';
const JOB_UPDATED = `subscription($id: ID!) { jobUpdated(id: $id) { ${FIELDS} } }`;

/** Two slow steps; each waits at its middle for <holdDir>/<step>.release. */
function heldPreset(holdDir: string): Record<string, PresetInput> {
  return { held: { steps: [
    { id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 100, step: 'a', holdDir, holdAt: 0.5 } },
    { id: 'b', capability: 'slow', inputs: { a: 'a' }, params: { ms: 100, step: 'b', holdDir, holdAt: 0.5 } },
  ] } };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 120_000; // turns a hang into a failure; no bound on speed
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function withHeldJob(fn: (c: { t: TestRuntime; s: GqlServer; id: string; release(step: string): Promise<void> }) => Promise<void>): Promise<void> {
  const holdDir = await mkdtemp(join(tmpdir(), 'dubarr-gql-hold-'));
  const t = await testRuntime(heldPreset(holdDir));
  const s = await gqlServer(t);
  try {
    const { id } = dataOf(await s.gql<{ createJob: { id: string } }>('mutation($p: String!) { createJob(input: { path: $p, preset: "held", targetLanguages: [] }) { id } }', { p: t.input })).createJob;
    await until(() => existsSync(join(holdDir, 'a.holding')), 'the job to reach its hold');
    await fn({ t, s, id, release: (step) => writeFile(join(holdDir, `${step}.release`), '') });
  } finally {
    await s.close();
    await t.close();
    await rm(holdDir, { recursive: true, force: true });
  }
}

function assertNeverBack(jobs: JobOut[]): void {
  for (let i = 1; i < jobs.length; i++) {
    assert.ok(jobs[i]!.progress >= jobs[i - 1]!.progress, `job progress went back at update ${i}`);
    for (const st of jobs[i]!.stages) {
      const before = jobs[i - 1]!.stages.find((x) => x.id === st.id)!.progress;
      assert.ok(st.progress >= before, `stage ${st.id} went back at update ${i}: ${before} -> ${st.progress}`);
    }
  }
}

function assertRunToSuccess(jobs: JobOut[]): void {
  assert.equal(jobs[0]!.status, 'RUNNING', 'the first event is the state at subscription: held in stage a');
  assert.deepEqual(jobs[0]!.stages.map((x) => x.status), ['RUNNING', 'PENDING']);
  assert.ok(jobs[0]!.stages[0]!.progress < 1);
  assertNeverBack(jobs);
  const last = jobs.at(-1)!;
  assert.equal(last.status, 'SUCCEEDED');
  assert.equal(last.progress, 1);
  assert.deepEqual(last.stages.map((x) => [x.status, x.progress]), [['SUCCEEDED', 1], ['SUCCEEDED', 1]]);
  assert.ok(jobs.length >= 3, `updates while it ran (${jobs.length})`);
}

function sseGet(s: GqlServer, query: string, variables: Record<string, unknown>): Promise<Response> {
  const q = new URLSearchParams({ query, variables: JSON.stringify(variables) });
  return fetch(`${s.base}/graphql?${q}`, { headers: { accept: 'text/event-stream' } });
}

const jobsOf = (events: Array<{ event: string; data: string }>) => events.filter((e) => e.event === 'next').map((e) => {
  const r = JSON.parse(e.data) as GqlResult<Updated>;
  return dataOf(r).jobUpdated;
});

test('jobUpdated over SSE (GET with Accept: text/event-stream): the state now, progress that never goes back, SUCCEEDED, then the stream ends; a late subscriber gets one event', async () => {
  await withHeldJob(async ({ s, id, release }) => {
    const events = await readEventStream(await sseGet(s, JOB_UPDATED, { id }), async (e) => {
      if (e.event !== 'next') return;
      const job = dataOf(JSON.parse(e.data) as GqlResult<Updated>).jobUpdated;
      // Each hold is released only once the stream has shown the job waiting at it.
      if (job.stages[0]!.status === 'RUNNING') await release('a');
      if (job.stages[1]!.status === 'RUNNING') await release('b');
    });
    assertRunToSuccess(jobsOf(events));
    assert.equal(events.at(-1)!.event, 'complete', 'the server ends the stream');

    const late = await readEventStream(await sseGet(s, JOB_UPDATED, { id }));
    assert.deepEqual(jobsOf(late).map((j) => [j.status, j.progress]), [['SUCCEEDED', 1]]);
    assert.equal(late.at(-1)!.event, 'complete');

    // POST works too, and an unknown job is a coded error in the stream.
    const unknown = await readEventStream(await fetch(`${s.base}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: JOB_UPDATED, variables: { id: 'ffffffffffff' } }),
    }));
    const err = JSON.parse(unknown.find((e) => e.event === 'next')!.data) as GqlResult;
    assert.equal(err.errors![0]!.extensions!.code, 'E_JOB_NOT_FOUND');
  });
});

test('jobUpdated over WebSocket (graphql-ws): the same updates, then complete; a late subscriber gets one event; jobsUpdated sees the job through to SUCCEEDED', async () => {
  await withHeldJob(async ({ s, id, release }) => {
    const client = wsClient(s);
    try {
      const all: JobOut[] = [];
      let sawAll!: () => void;
      const allSeen = new Promise<void>((r) => { sawAll = r; });
      // Stage b waits until jobsUpdated has certainly started: it has shown this job moving on.
      let bHeld = false;
      const releaseB = () => { if (bHeld && all.length > 0) void release('b'); };
      void wsSubscribe<{ jobsUpdated: JobOut }>(client, `subscription { jobsUpdated { ${FIELDS} } }`, {}, (r) => {
        const job = dataOf(r).jobsUpdated;
        if (job.id !== id) return;
        all.push(job);
        releaseB();
        if (job.status === 'SUCCEEDED') sawAll();
      });
      const results = await wsSubscribe<Updated>(client, JOB_UPDATED, { id }, (r) => {
        const job = dataOf(r).jobUpdated;
        if (job.stages[0]!.status === 'RUNNING') void release('a');
        if (job.stages[1]!.status === 'RUNNING') bHeld = true;
        releaseB();
      });
      const jobs = results.map((r) => dataOf(r).jobUpdated);
      assertRunToSuccess(jobs);
      await allSeen;
      assertNeverBack(all);
      assert.equal(all.at(-1)!.status, 'SUCCEEDED');

      const late = await wsSubscribe<Updated>(client, JOB_UPDATED, { id });
      assert.deepEqual(late.map((r) => dataOf(r).jobUpdated.status), ['SUCCEEDED']);
    } finally {
      await client.dispose();
    }
  });
});
