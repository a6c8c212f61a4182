/**
 * The GraphQL door over a real listening server (127.0.0.1, port 0) and the real runtime with
 * the test stages and the real providers (apertium, espeak-ng): the schema it serves is the
 * committed one; queries and mutations; coded errors; depth and cost limits; GraphiQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildClientSchema, buildSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { packageVersion } from '../../../core/app/paths.js';
import { loadConfig } from '../../../core/config/load.js';
import { SCHEMA_FILE } from '../../../core/graphql/yoga.js';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { dataOf, errorOf, gqlServer, wsClient, wsSubscribe, type GqlResult } from './graphql-harness.js';
import { finished, testRuntime, waitFor } from './harness.js';

const presets: Record<string, PresetInput> = {
  two: { description: 'two slow steps', steps: [
    { id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 40 } },
    { id: 'b', capability: 'slow', inputs: { a: 'a' }, params: { ms: 40 } },
  ] },
  stuck: { steps: [{ id: 'wait', capability: 'slow', inputs: { source: 'source' }, params: { untilCancelled: true } }] },
};

const JOB_FIELDS = `id status progress progressNote eta createdAt startedAt finishedAt input preset sourceLanguage targetLanguages outputMode
  error { code message hint } stages { id capability provider status progress cached durationMs error { code message } }
  artifacts { name kind language url size } qa`;

test('the schema the server serves (introspection) is schemas/graphql/schema.graphql', async () => {
  const t = await testRuntime(presets);
  const s = await gqlServer(t);
  try {
    const served = dataOf(await s.gql<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true, schemaDescription: true })));
    const committed = buildSchema(await readFile(SCHEMA_FILE, 'utf8'));
    assert.equal(printSchema(buildClientSchema(served)), printSchema(committed));
  } finally {
    await s.close();
    await t.close();
  }
});

test('queries and mutations: createJob (an API door, held to the media roots), job, jobs as a cursor connection, cancel, retry, delete', async () => {
  const t = await testRuntime(presets);
  const s = await gqlServer(t);
  try {
    const create = `mutation($input: CreateJobInput!) { createJob(input: $input) { ${JOB_FIELDS} } }`;
    const made = dataOf(await s.gql<{ createJob: { id: string; status: string; preset: string; input: string; outputMode: string } }>(create, {
      input: { path: t.input, preset: 'two', targetLanguages: [], outputMode: 'SIDECAR', priority: 'BACKFILL' },
    })).createJob;
    assert.ok(['QUEUED', 'RUNNING'].includes(made.status));
    assert.equal(made.preset, 'two');
    assert.equal(made.input, t.input);
    assert.equal(made.outputMode, 'SIDECAR');
    assert.equal(t.rt.store.getJob(made.id).origin, 'api');
    assert.equal((await finished(t, made.id)).status, 'succeeded');

    type JobOut = { id: string; status: string; progress: number; finishedAt: string; createdAt: string; stages: Array<{ id: string; status: string; progress: number; cached: boolean; provider: string; durationMs: number }>; artifacts: unknown[] };
    const got = dataOf(await s.gql<{ job: JobOut }>(`query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id: made.id })).job;
    assert.equal(got.status, 'SUCCEEDED');
    assert.equal(got.progress, 1);
    assert.ok(Date.parse(got.finishedAt) >= Date.parse(got.createdAt));
    assert.deepEqual(got.stages.map((x) => [x.id, x.status, x.progress, x.cached, x.provider]), [['a', 'SUCCEEDED', 1, false, 'test-stages'], ['b', 'SUCCEEDED', 1, false, 'test-stages']]);
    assert.ok(got.stages.every((x) => Number.isInteger(x.durationMs)));
    assert.deepEqual(got.artifacts, []);
    assert.equal(dataOf(await s.gql<{ job: null }>('{ job(id: "ffffffffffff") { id } }')).job, null, 'an unknown job is null');

    // A second job: pages of one, by cursor, newest first; filters.
    await writeFile(join(t.dir, 'other.bin'), 'another input\n');
    const second = dataOf(await s.gql<{ createJob: { id: string } }>(create, { input: { path: join(t.dir, 'other.bin'), preset: 'two', targetLanguages: [] } })).createJob;
    await finished(t, second.id);
    type Page = { jobs: { nodes: Array<{ id: string }>; edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: { endCursor: string; hasNextPage: boolean } } };
    const page = `query($after: String, $search: String, $status: JobStatus) { jobs(first: 1, after: $after, search: $search, status: $status) {
      nodes { id } edges { cursor node { id } } pageInfo { endCursor hasNextPage } } }`;
    const p1 = dataOf(await s.gql<Page>(page)).jobs;
    assert.deepEqual(p1.nodes.map((n) => n.id), [second.id]);
    assert.equal(p1.edges[0]!.cursor, p1.pageInfo.endCursor);
    assert.equal(p1.pageInfo.hasNextPage, true);
    const p2 = dataOf(await s.gql<Page>(page, { after: p1.pageInfo.endCursor })).jobs;
    assert.deepEqual(p2.nodes.map((n) => n.id), [made.id]);
    assert.equal(p2.pageInfo.hasNextPage, false);
    assert.deepEqual(dataOf(await s.gql<Page>(page, { search: 'other.bin' })).jobs.nodes.map((n) => n.id), [second.id]);
    assert.deepEqual(dataOf(await s.gql<Page>(page, { status: 'FAILED' })).jobs.nodes, []);

    // Cancel a job that runs until cancelled, retry it, then delete it.
    const stuck = dataOf(await s.gql<{ createJob: { id: string } }>(create, { input: { path: t.input, preset: 'stuck', targetLanguages: [] } })).createJob;
    await waitFor(t, (e) => e.jobId === stuck.id && e.type === 'job.progress');
    const cancelled = dataOf(await s.gql<{ cancelJob: { status: string } }>('mutation($id: ID!) { cancelJob(id: $id) { status } }', { id: stuck.id })).cancelJob;
    assert.ok(['RUNNING', 'CANCELLED'].includes(cancelled.status));
    assert.equal((await finished(t, stuck.id)).status, 'cancelled');
    errorOf(await s.gql('mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: stuck.id }), 'E_JOB_STATE');
    const retried = dataOf(await s.gql<{ retryJob: { status: string } }>('mutation($id: ID!) { retryJob(id: $id) { status } }', { id: stuck.id })).retryJob;
    assert.ok(['QUEUED', 'RUNNING'].includes(retried.status));
    await waitFor(t, (e) => e.jobId === stuck.id && e.type === 'job.started' && t.events.filter((x) => x.jobId === stuck.id && x.type === 'job.started').length === 2);
    dataOf(await s.gql('mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: stuck.id }));
    await waitFor(t, (e) => e.jobId === stuck.id && e.type === 'job.cancelled' && t.events.filter((x) => x.jobId === stuck.id && x.type === 'job.cancelled').length === 2);
    const deleted = dataOf(await s.gql<{ deleteJob: { id: string; removedFiles: number } }>('mutation($id: ID!) { deleteJob(id: $id) { id removedFiles } }', { id: stuck.id })).deleteJob;
    assert.equal(deleted.id, stuck.id);
    assert.equal(dataOf(await s.gql<{ job: null }>('query($id: ID!) { job(id: $id) { id } }', { id: stuck.id })).job, null);
    assert.ok((await readFile(t.input, 'utf8')).length > 0, 'the input is never deleted');
  } finally {
    await s.close();
    await t.close();
  }
});

test('coded errors in extensions.code (and .hint): bad createJob requests create no job', async () => {
  const t = await testRuntime(presets, {}, { takeQueued: false });
  const s = await gqlServer(t);
  try {
    const create = 'mutation($input: CreateJobInput!) { createJob(input: $input) { id } }';
    const relative = errorOf(await s.gql(create, { input: { path: 'movie.mkv', targetLanguages: ['es'] } }), 'E_INVALID_ARGUMENT');
    assert.match(relative.message, /absolute/);
    assert.ok(relative.extensions!.hint);
    const outside = errorOf(await s.gql(create, { input: { path: '/etc/passwd', targetLanguages: ['es'] } }), 'E_PATH_NOT_ALLOWED');
    assert.match(outside.message, /^path: /);
    errorOf(await s.gql(create, { input: { path: t.input, uploadId: 'u1', targetLanguages: ['es'] } }), 'E_INVALID_ARGUMENT');
    errorOf(await s.gql(create, { input: { path: t.input, targetLanguages: ['xx-nope'] } }), 'E_INVALID_ARGUMENT');
    errorOf(await s.gql(create, { input: { path: t.input, preset: 'two', targetLanguages: [], providers: [
      { capability: 'slow', provider: 'test-stages' }, { capability: 'slow', provider: 'test-spare' }] } }), 'E_INVALID_ARGUMENT');
    errorOf(await s.gql(create, { input: { path: t.input, targetLanguages: ['es'], glossary: [{ source: '  ' }] } }), 'E_INVALID_ARGUMENT');
    errorOf(await s.gql('mutation { retryJob(id: "ffffffffffff") { id } }'), 'E_JOB_NOT_FOUND');
    errorOf(await s.gql('{ jobs(first: 0) { nodes { id } } }'), 'E_INVALID_ARGUMENT');
    errorOf(await s.gql('{ jobs(after: "nonsense") { nodes { id } } }'), 'E_INVALID_ARGUMENT');
    assert.equal(t.rt.jobs.list().items.length, 0, 'no job was created');
    // GraphQL's own checks keep their messages.
    const enumErr = await s.gql(create, { input: { path: t.input, targetLanguages: ['es'], outputMode: 'COPY' } });
    assert.match(enumErr.errors![0]!.message, /OutputMode/);
  } finally {
    await s.close();
    await t.close();
  }
});

test('presets, providers (availability, reason, languages), languages (pairs of the installed providers), system', async () => {
  const t = await testRuntime(presets);
  const s = await gqlServer(t);
  try {
    type Out = {
      presets: Array<{ name: string; description: string; capabilities: string[] }>;
      providers: Array<{ name: string; capability: string; available: boolean; reason: string | null; languages: { pairs: Array<{ source: string; target: string }> | null } | null }>;
      languages: Array<{ source: string; target: string; translators: string[]; voices: string[] }>;
      system: { version: string; queueDepth: number; running: number; jobConcurrency: number; workers: number; diskFreeBytes: number; cacheSizeBytes: number; cacheMaxBytes: number };
    };
    const d = dataOf(await s.gql<Out>(`{ presets { name description capabilities }
      providers(capability: "translate") { name capability available reason languages { input output pairs { source target } } }
      languages { source target translators voices }
      system { version queueDepth running jobConcurrency workers diskFreeBytes cacheSizeBytes cacheMaxBytes } }`));
    assert.deepEqual(d.presets.map((p) => p.name), ['dub', 'dub-elevenlabs', 'dub-lipsync', 'film', 'podcast', 'podcast-audio', 'stuck', 'two']);
    assert.deepEqual(d.presets.find((p) => p.name === 'two'), { name: 'two', description: 'two slow steps', capabilities: ['slow'] });
    assert.ok(d.presets.find((p) => p.name === 'dub')!.capabilities.includes('translate'));

    assert.ok(d.providers.length > 0 && d.providers.every((p) => p.capability === 'translate'));
    const apertium = d.providers.find((p) => p.name === 'apertium')!;
    assert.equal(apertium.available, true, apertium.reason ?? '');
    // The setup installs apertium-eng-spa and apertium-eng-cat.
    for (const target of ['es', 'ca']) assert.ok(apertium.languages!.pairs!.some((p) => p.source === 'en' && p.target === target), target);

    for (const target of ['es', 'ca']) {
      const pair = d.languages.find((l) => l.source === 'en' && l.target === target)!;
      assert.ok(pair.translators.includes('apertium'), target);
      assert.ok(pair.voices.includes('espeak-ng'), `espeak-ng speaks ${target}`);
    }

    const slow = dataOf(await s.gql<Out>('{ providers(capability: "slow") { name available reason languages { input } } }')).providers;
    assert.deepEqual(slow, [{ name: 'test-stages', available: true, reason: null, languages: null }]);
    assert.deepEqual(dataOf(await s.gql<Out>('{ providers(capability: "no-such-thing") { name } }')).providers, []);

    assert.equal(d.system.version, packageVersion);
    assert.equal(d.system.queueDepth, 0);
    assert.equal(d.system.jobConcurrency, t.rt.config.jobs.concurrency);
    assert.equal(d.system.workers, t.rt.pool.threads);
    assert.ok(d.system.diskFreeBytes > 0);
    assert.equal(d.system.cacheSizeBytes, 0, 'nothing cached yet');
    assert.equal(d.system.cacheMaxBytes, t.rt.config.cache.maxSizeGb * 1e9);

    const job = dataOf(await s.gql<{ createJob: { id: string } }>('mutation($p: String!) { createJob(input: { path: $p, preset: "two", targetLanguages: [] }) { id } }', { p: t.input })).createJob;
    await finished(t, job.id);
    assert.ok(dataOf(await s.gql<Out>('{ system { cacheSizeBytes } }')).system.cacheSizeBytes > 0, 'the finished steps are cached');
  } finally {
    await s.close();
    await t.close();
  }
});

test('depth and cost limits: an over-deep and an over-costly query are rejected with E_QUERY_TOO_COMPLEX; the deepest and a large useful query pass', async () => {
  const t = await testRuntime(presets, {}, { takeQueued: false });
  const s = await gqlServer(t);
  try {
    dataOf(await s.gql('{ jobs { edges { node { stages { error { code } } } } } }'));
    // Fragments (inline and named) do not count as levels: the same deepest query written with them passes.
    dataOf(await s.gql('query { jobs { edges { node { ...J } } } } fragment J on Job { stages { ... on Stage { error { code } } } }'));
    // ...and they do not hide depth either: an over-deep query through a fragment is still refused.
    errorOf(await s.gql('{ __type(name: "Job") { ...F } } fragment F on __Type { fields { type { ofType { ofType { ofType { name } } } } } }'), 'E_QUERY_TOO_COMPLEX');
    const deep = errorOf(await s.gql('{ __type(name: "Job") { fields { type { ofType { ofType { ofType { name } } } } } } }'), 'E_QUERY_TOO_COMPLEX');
    assert.match(deep.message, /depth limit of 6/);
    assert.ok(deep.extensions!.hint);

    dataOf(await s.gql(`{ jobs(first: 100) { nodes { ${JOB_FIELDS} } pageInfo { endCursor hasNextPage } } }`));
    const costly = errorOf(await s.gql(`{ jobs(first: 500) { nodes { ${JOB_FIELDS} } } }`), 'E_QUERY_TOO_COMPLEX');
    assert.match(costly.message, /Cost limit of 20000/);
    dataOf(await s.gql('{ jobs(first: 500) { nodes { id status progress } } }'));
  } finally {
    await s.close();
    await t.close();
  }
});

test('the cost limit reads variables: `first: $n` costs what the page it asks for does, over HTTP and WebSocket, a default too', async () => {
  const t = await testRuntime(presets, {}, { takeQueued: false });
  const s = await gqlServer(t);
  const client = wsClient(s);
  try {
    const byVariable = `query Page($n: Int) { jobs(first: $n) { nodes { ${JOB_FIELDS} } } }`;
    const costly = errorOf(await s.gql(byVariable, { n: 500 }), 'E_QUERY_TOO_COMPLEX');
    assert.match(costly.message, /Cost limit of 20000/);
    assert.ok(costly.extensions!.hint);
    dataOf(await s.gql(byVariable, { n: 100 }));
    // No value: the schema's default page (50), as validation counts an absent first.
    dataOf(await s.gql(byVariable));
    errorOf(await s.gql(`query($n: Int = 500) { jobs(first: $n) { nodes { ${JOB_FIELDS} } } }`), 'E_QUERY_TOO_COMPLEX');
    // Only the operation that runs is estimated, with its own variables.
    const two = `${byVariable} query Small($n: Int) { jobs(first: $n) { nodes { id } } }`;
    const small = await fetch(`${s.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: two, operationName: 'Small', variables: { n: 500 } }) });
    dataOf(await small.json() as GqlResult);
    // graphql-ws runs operations through the same envelope.
    const [overWs] = await wsSubscribe(client, byVariable, { n: 500 });
    errorOf(overWs!, 'E_QUERY_TOO_COMPLEX');
  } finally {
    await client.dispose();
    await s.close();
    await t.close();
  }
});

test('GraphiQL is served to browsers unless server.graphiql is false, which NODE_ENV=production makes the default', async () => {
  const page = async (graphiql: boolean) => {
    const t = await testRuntime(presets, { server: { graphiql } }, { takeQueued: false });
    const s = await gqlServer(t);
    try {
      const res = await fetch(`${s.base}/graphql`, { headers: { accept: 'text/html' } });
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
    } finally {
      await s.close();
      await t.close();
    }
  };
  const on = await page(true);
  assert.equal(on.status, 200);
  assert.match(on.type, /^text\/html/);
  assert.match(on.body, /graphiql/i);
  assert.doesNotMatch(on.body, /unpkg\.com|jsdelivr|cdn\./, 'every GraphiQL asset is served locally (works offline)');
  const off = await page(false);
  assert.doesNotMatch(off.type, /^text\/html/);
  assert.doesNotMatch(off.body, /graphiql/i);

  assert.equal(loadConfig({ env: {} }).server.graphiql, true);
  assert.equal(loadConfig({ env: { NODE_ENV: 'production' } }).server.graphiql, false);
  assert.equal(loadConfig({ env: { NODE_ENV: 'production', DUBARR_SERVER_GRAPHIQL: 'true' } }).server.graphiql, true);
});
