/** /healthz, /readyz and /metrics on a real server (port 0) over a real runtime that runs jobs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindHttp } from '../../../core/cli/serve.js';
import type { Config, DeepPartial } from '../../../core/config/schema.js';
import { createHttpApp } from '../../../core/http/app.js';
import { countUploadBytes } from '../../../core/ops/metrics.js';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import { finished, testRuntime } from './harness.js';

const one = (capability: string, params: Record<string, unknown> = {}) => ({ steps: [{ id: 'only', capability, inputs: { source: 'source' }, params }] });

async function server(presets: Record<string, PresetInput>, o: DeepPartial<Config['server']> = {}) {
  const t = await testRuntime(presets, { server: { port: 0, host: '127.0.0.1', ...o } });
  const http = await bindHttp(t.rt.config.server);
  http.mount(createHttpApp(t.rt));
  return { t, base: `http://127.0.0.1:${new URL(http.url).port}`, async close() { await http.close(); await t.close(); } };
}

/** The value of one sample line of the exposition, e.g. `dubarr_jobs{status="succeeded"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('/metrics counts jobs by status, stage durations by capability and provider, provider errors by code, upload bytes', async () => {
  // 'flaky' fails once with a retryable E_TRANSIENT, then succeeds: one provider error, one stage duration.
  const s = await server({ noop: one('noop'), flaky: one('flaky', { failures: 1, key: 'metrics' }) });
  try {
    const before = await (await fetch(`${s.base}/metrics`)).text();
    assert.equal(sample(before, 'dubarr_jobs{status="succeeded"}'), 0);
    assert.equal(sample(before, 'dubarr_upload_bytes_total'), 0);

    const a = s.t.rt.scheduler.submit({ input: s.t.input, preset: 'noop', targetLanguages: [], origin: 'cli' });
    assert.equal((await finished(s.t, a.id)).status, 'succeeded');
    const b = s.t.rt.scheduler.submit({ input: s.t.input, preset: 'flaky', targetLanguages: [], origin: 'cli' });
    assert.equal((await finished(s.t, b.id)).status, 'succeeded');
    countUploadBytes(s.t.rt, 1234);

    const r = await fetch(`${s.base}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    assert.equal(sample(text, 'dubarr_jobs{status="succeeded"}'), 2);
    assert.equal(sample(text, 'dubarr_jobs{status="failed"}'), 0);
    assert.equal(sample(text, 'dubarr_queue_depth'), 0);
    assert.equal(sample(text, 'dubarr_stage_duration_seconds_count{capability="noop",provider="test-stages"}'), 1);
    assert.equal(sample(text, 'dubarr_stage_duration_seconds_count{capability="flaky",provider="test-stages"}'), 1);
    assert.equal(sample(text, 'dubarr_provider_errors_total{provider="test-stages",code="E_TRANSIENT"}'), 1);
    assert.equal(sample(text, 'dubarr_upload_bytes_total'), 1234);
    assert.match(text, /^process_cpu_seconds_total /m, 'default process metrics');
  } finally {
    await s.close();
  }
});

test('/readyz is 200 with every check passing, 503 naming the disk when free space is under server.readyMinFreeDiskGb', async () => {
  const ok = await server({});
  try {
    const r = await fetch(`${ok.base}/readyz`);
    const body = await r.json() as { ready: boolean; reasons: string[]; checks: { database: boolean; workers: boolean; disk: { ok: boolean; freeBytes: number } } };
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.deepEqual([body.ready, body.reasons, body.checks.database, body.checks.workers, body.checks.disk.ok], [true, [], true, true, true]);
    assert.ok(body.checks.disk.freeBytes > 0);
    assert.equal((await fetch(`${ok.base}/healthz`)).status, 200);
  } finally {
    await ok.close();
  }
  // A petabyte: more than any test machine has free.
  const full = await server({}, { readyMinFreeDiskGb: 1e6 });
  try {
    const r = await fetch(`${full.base}/readyz`);
    assert.equal(r.status, 503);
    const body = await r.json() as { ready: boolean; reasons: string[] };
    assert.equal(body.ready, false);
    assert.equal(body.reasons.length, 1);
    assert.match(body.reasons[0]!, /^disk: .* GB free in the data folder, under server\.readyMinFreeDiskGb \(1000000 GB\)/);
    assert.equal((await fetch(`${full.base}/healthz`)).status, 200, 'alive, only not ready');
  } finally {
    await full.close();
  }
});

test('/readyz is 503 once the worker pool is closed', async () => {
  const s = await server({});
  try {
    await s.t.rt.pool.close();
    const r = await fetch(`${s.base}/readyz`);
    assert.equal(r.status, 503);
    assert.match(((await r.json()) as { reasons: string[] }).reasons.join('\n'), /^workers: the worker pool is closed/m);
  } finally {
    await s.close();
  }
});
