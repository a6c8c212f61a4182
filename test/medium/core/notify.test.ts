/**
 * Completion notifications (notify.*) against a receiver on 127.0.0.1 that records every request
 * and answers what each test tells it: a succeeded job's JSON with its delivered outputs and QA
 * report, signed with HMAC-SHA256; retries after 503 and a dropped connection; a refusal (4xx) is
 * not retried; a failed job; the outbox survives a process that stops before the receiver answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Notification } from '../../../core/notify/notifier.js';
import { h264AacMp4 } from '../../fixtures/media.js';
import { deliverPreset } from './deliver-preset.js';
import { finished, testRuntime } from './harness.js';

interface Received { headers: IncomingMessage['headers']; body: string }

/** A webhook receiver: `answer(n)` decides the n-th request's fate (a status, or 'drop' to cut the connection). */
async function receiver(answer: (n: number) => number | 'drop' | { status: number; headers: Record<string, string> }) {
  const got: Received[] = [];
  let waiters: Array<() => void> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      const a = answer(got.length);
      if (a === 'drop') res.socket?.destroy();
      else if (typeof a === 'number') res.writeHead(a).end();
      else res.writeHead(a.status, a.headers).end();
      for (const w of waiters) w();
      waiters = [];
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/s3cr3t-path?token=abc`,
    got,
    /** Resolves once `n` requests have arrived (a hang guard only turns a hang into a failure). */
    async count(n: number): Promise<void> {
      const until = Date.now() + 60_000;
      while (got.length < n) {
        if (Date.now() > until) throw new Error(`only ${got.length} of ${n} notifications arrived`);
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 200); });
      }
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const outbox = (t: { rt: { store: { db: { prepare(sql: string): { all(): unknown[] } } } } }) => t.rt.store.db.prepare('SELECT job_id, event, attempts, last_error FROM notifications').all() as Array<{ job_id: string; event: string; attempts: number; last_error: string | null }>;

test('a succeeded job is POSTed as signed JSON with its outputs and QA; 503 and a cut connection are retried, then the outbox is empty', async () => {
  const r = await receiver((n) => (n === 1 ? { status: 503, headers: { 'retry-after': '0' } } : n === 2 ? 'drop' : 204));
  const t = await testRuntime({ deliver: await deliverPreset() }, { notify: { url: r.url, secret: 'hmac-secret', retryDelaysSeconds: [0, 0, 0] } });
  try {
    const video = join(t.dir, 'Film.mp4');
    await copyFile(await h264AacMp4(), video);
    const job = await t.rt.jobs.create({ path: video, preset: 'deliver', targetLanguages: ['es'], origin: 'api' });
    assert.equal((await finished(t, job.id)).status, 'succeeded');
    await r.count(3);
    const bodies = r.got.map((g) => g.body);
    assert.deepEqual(new Set(bodies).size, 1, 'every attempt sends the same body');
    const last = r.got[2]!;
    assert.equal(last.headers['content-type'], 'application/json');
    assert.equal(last.headers['x-dubarr-event'], 'job.succeeded');
    assert.equal(last.headers['x-dubarr-signature-256'], `sha256=${createHmac('sha256', 'hmac-secret').update(last.body).digest('hex')}`);
    const n = JSON.parse(last.body) as Notification;
    assert.equal(n.event, 'job.succeeded');
    assert.equal(n.file, video);
    assert.deepEqual(n.languages, ['es']);
    assert.deepEqual(n.outputs, [join(t.dir, 'Film - dub es.mp4')], 'the file the job wrote into the library');
    assert.equal(n.job.id, job.id);
    assert.equal(n.job.status, 'succeeded');
    assert.ok(n.qa && typeof n.qa === 'object', 'the QA report');
    // Delivered: the row is gone (the 204 was the last request; deletion follows it in the same turn or the next).
    const until = Date.now() + 60_000;
    while (outbox(t).length > 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(outbox(t), []);
  } finally {
    await t.close();
    await r.close();
  }
});

test('a failed job is sent too; a receiver that refuses (400) is not asked again; notify.events filters', async () => {
  const r = await receiver(() => 400);
  const t = await testRuntime({
    broken: { steps: [{ id: 'only', capability: 'broken', inputs: { source: 'source' }, params: { failures: 1e9, code: 'E_UNSUPPORTED_CODEC', key: 'nf' } }] },
    fine: { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] },
  }, { notify: { url: r.url, events: ['job.failed'], retryDelaysSeconds: [0, 0] } });
  try {
    const ok = await t.rt.jobs.create({ path: t.input, preset: 'fine', targetLanguages: [], origin: 'api' });
    assert.equal((await finished(t, ok.id)).status, 'succeeded');
    const bad = await t.rt.jobs.create({ path: t.input, preset: 'broken', targetLanguages: [], origin: 'api' });
    assert.equal((await finished(t, bad.id)).status, 'failed');
    await r.count(1);
    const n = JSON.parse(r.got[0]!.body) as Notification;
    assert.deepEqual([n.event, n.job.id, n.job.error?.code, n.outputs, n.qa], ['job.failed', bad.id, 'E_UNSUPPORTED_CODEC', [], null]);
    assert.equal(r.got[0]!.headers['x-dubarr-signature-256'], undefined, 'no secret, no signature');
    const until = Date.now() + 60_000;
    while (outbox(t).length > 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(outbox(t), [], 'a refusal is final');
    assert.equal(r.got.length, 1, 'the succeeded job was not sent (events filter), the refused one once');
  } finally {
    await t.close();
    await r.close();
  }
});

test('the outbox outlives its process: a notification the receiver could not take is sent by the next process on the same database', async () => {
  let up = false;
  const r = await receiver(() => (up ? 200 : 503));
  const notify = { url: r.url, retryDelaysSeconds: [3600] };
  const first = await testRuntime({ fine: { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] } }, { notify });
  let second: Awaited<ReturnType<typeof testRuntime>> | undefined;
  try {
    const job = await first.rt.jobs.create({ path: first.input, preset: 'fine', targetLanguages: [], origin: 'cli' });
    assert.equal((await finished(first, job.id)).status, 'succeeded');
    await r.count(1);
    const until = Date.now() + 60_000;
    while (outbox(first)[0]?.last_error == null && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(outbox(first).map((o) => [o.job_id, o.attempts, o.last_error]), [[job.id, 1, 'HTTP 503']], 'kept for a retry in an hour');
    await first.rt.close();

    // The next process (a server started later) finds it due; make it due now rather than waiting the hour.
    up = true;
    second = await testRuntime({}, { notify }, { sameDataAs: first });
    second.rt.store.db.prepare('UPDATE notifications SET next_at = 0').run();
    // The runtime looked at start (before the update); its next look is within notify's poll interval.
    await r.count(2);
    assert.equal(JSON.parse(r.got[1]!.body).job.id, job.id);
  } finally {
    await second?.close();
    await first.close();
    await r.close();
  }
});

test('secrets stay out: the receiver URL path and query are never in the log, nor the signing secret', async () => {
  const lines: string[] = [];
  const { pino } = await import('pino');
  const log = pino({ level: 'info' }, { write: (l: string) => { lines.push(l); } });
  const r = await receiver((n) => (n === 1 ? 500 : 200));
  const t = await testRuntime({ fine: { steps: [{ id: 'only', capability: 'noop', inputs: { source: 'source' } }] } }, { notify: { url: r.url, secret: 'hmac-secret', retryDelaysSeconds: [0] } }, { log });
  try {
    const job = await t.rt.jobs.create({ path: t.input, preset: 'fine', targetLanguages: [], origin: 'api' });
    assert.equal((await finished(t, job.id)).status, 'succeeded');
    await r.count(2);
    const until = Date.now() + 60_000;
    while (!lines.some((l) => l.includes('notification delivered')) && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    const text = lines.join('');
    assert.match(text, /notification not delivered; will retry/);
    assert.match(text, /notification delivered/);
    assert.ok(!text.includes('s3cr3t-path') && !text.includes('token=abc') && !text.includes('hmac-secret'), 'no URL path, query or secret in the log');
  } finally {
    await t.close();
    await r.close();
  }
});
