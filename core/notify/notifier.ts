import { createHmac } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import { packageVersion } from '../app/paths.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../jobs/database.js';
import type { EndedJob } from '../service/job-completions.js';
import type { JobView } from '../service/job-view.js';

export type NotifyEvent = Config['notify']['events'][number];

/** What a receiver gets, as JSON: enough to act without asking back (which file, what was made, how well). */
export interface Notification {
  event: NotifyEvent;
  /** When the job ended (ms since the epoch); a receiver may refuse old ones. */
  at: number;
  job: Pick<JobView, 'id' | 'status' | 'input' | 'preset' | 'origin' | 'sourceLanguage' | 'targetLanguages' | 'createdAt' | 'finishedAt' | 'error'>;
  /** The input the job dubbed. */
  file: string;
  /** The files it wrote into the library (absolute paths); [] unless it succeeded. */
  outputs: string[];
  languages: string[];
  /** The QA report of a succeeded job, as the API shows it; null otherwise. */
  qa: unknown;
}

export interface NotifierDeps {
  config: Config['notify'];
  db: Db;
  log: Logger;
  /** The job as the API shows it (its QA report, its error with a hint); undefined when it is gone. */
  job(id: string): JobView | undefined;
}

/** How often an idle outbox is read again, for rows another process wrote (a `dubarr dub` beside the server). */
const POLL_MS = 5_000;

interface Row { id: number; job_id: string; event: string; body: string; attempts: number }

/**
 * Completion notifications with an outbox in SQLite (table `notifications`): a job's ending is
 * written there in the process that ran it (`record`, a listener on JobsService.onJobEnded), then POSTed to `notify.url` (signed when
 * `notify.secret` is set), retried on the `notify.retryDelaysSeconds` schedule, deleted once a
 * receiver took it. A row is claimed by moving its `next_at` past the delivery's deadline, so two
 * processes never send it at once.
 */
export class Notifier {
  private readonly s: Record<'insert' | 'due' | 'nextDue' | 'claim' | 'done' | 'retry', Statement>;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly d: NotifierDeps) {
    this.s = {
      insert: d.db.prepare('INSERT INTO notifications (job_id, event, body, next_at, created_at) VALUES (?, ?, ?, ?, ?)'),
      due: d.db.prepare('SELECT id, job_id, event, body, attempts FROM notifications WHERE next_at <= ? ORDER BY next_at, id LIMIT 20'),
      nextDue: d.db.prepare('SELECT MIN(next_at) AS at FROM notifications'),
      claim: d.db.prepare('UPDATE notifications SET next_at = ?, attempts = attempts + 1 WHERE id = ? AND next_at <= ?'),
      done: d.db.prepare('DELETE FROM notifications WHERE id = ?'),
      retry: d.db.prepare('UPDATE notifications SET next_at = ?, last_error = ? WHERE id = ?'),
    };
    // Rows left by an earlier run, or by a `dubarr dub` that exited before its receiver answered.
    if (d.config.url) this.kick();
  }

  /** Stops sending; waits for a delivery under way (at most notify.timeoutMs). What is left stays in the outbox. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.sending;
  }

  /** Puts a job's ending in the outbox (when notify.url and notify.events want it) and sends it soon. */
  record(ended: EndedJob): void {
    const event = `job.${ended.job.status}` as NotifyEvent;
    if (this.closed || !this.d.config.url || !this.d.config.events.includes(event)) return;
    const job = this.d.job(ended.job.id);
    if (!job) return;
    const at = job.finishedAt ?? Date.now();
    const body: Notification = {
      event, at,
      job: {
        id: job.id, status: job.status, input: job.input, preset: job.preset, origin: job.origin,
        sourceLanguage: job.sourceLanguage, targetLanguages: job.targetLanguages,
        createdAt: job.createdAt, finishedAt: job.finishedAt, error: job.error,
      },
      file: job.input,
      outputs: ended.delivered,
      languages: job.targetLanguages,
      qa: job.qa ?? null,
    };
    this.s.insert.run(job.id, event, JSON.stringify(body), at, Date.now());
    this.kick();
  }

  /** Sends what is due now; when done, sleeps until the next poll. Calls during a pass make it go round again. */
  private kick(): void {
    if (this.closed) return;
    if (this.sending) { this.again = true; return; }
    clearTimeout(this.timer);
    this.sending = this.sendDue().catch((e: unknown) => {
      this.d.log.error({ err: (e as Error).message }, 'notification outbox: could not be read');
    }).finally(() => {
      this.sending = undefined;
      if (this.closed) return;
      if (this.again) { this.again = false; this.kick(); return; }
      // Until the next retry comes due, or the next look for other processes' rows.
      const next = (this.s.nextDue.get() as { at: number | null }).at;
      const wait = next === null ? POLL_MS : Math.min(Math.max(next - Date.now(), 0), POLL_MS);
      this.timer = setTimeout(() => this.kick(), wait).unref();
    });
  }

  private async sendDue(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const rows = this.s.due.all(now) as Row[];
      if (rows.length === 0) return;
      for (const row of rows) {
        if (this.closed) return;
        // The lease: nobody else takes it while this delivery may still be running.
        if (this.s.claim.run(now + this.d.config.timeoutMs + 5_000, row.id, now).changes === 0) continue;
        await this.send({ ...row, attempts: row.attempts + 1 });
      }
    }
  }

  /** One attempt; `row.attempts` counts it. */
  private async send(row: Row): Promise<void> {
    const { config, log } = this.d;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `dubarr/${packageVersion}`,
      'x-dubarr-event': row.event,
      'x-dubarr-delivery': String(row.id),
    };
    if (config.secret) headers['x-dubarr-signature-256'] = `sha256=${createHmac('sha256', config.secret).update(row.body).digest('hex')}`;
    // The URL may carry a token in its path or query (many webhook receivers work so): only its origin is ever logged.
    const where = new URL(config.url).origin;
    let failure: string;
    let retryAfterMs = 0;
    try {
      const res = await fetch(config.url, { method: 'POST', headers, body: row.body, signal: AbortSignal.timeout(config.timeoutMs), redirect: 'error' });
      await res.body?.cancel();
      if (res.ok) {
        this.s.done.run(row.id);
        log.info({ job: row.job_id, event: row.event, to: where, status: res.status }, 'notification delivered');
        return;
      }
      failure = `HTTP ${res.status}`;
      if (!(res.status === 408 || res.status === 429 || res.status >= 500)) {
        // The receiver refuses it (a wrong URL, a rejected signature): sending it again changes nothing.
        this.s.done.run(row.id);
        log.warn({ job: row.job_id, event: row.event, to: where, status: res.status }, 'notification refused by its receiver; not retried');
        return;
      }
      retryAfterMs = retryAfter(res.headers.get('retry-after'));
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      failure = err.name === 'TimeoutError' ? `no answer within ${config.timeoutMs} ms` : (err.cause?.code ?? err.name);
    }
    const delays = config.retryDelaysSeconds;
    if (row.attempts > delays.length) {
      this.s.done.run(row.id);
      log.warn({ job: row.job_id, event: row.event, to: where, attempts: row.attempts, error: failure }, 'notification dropped: every retry failed');
      return;
    }
    const waitMs = Math.max(delays[row.attempts - 1]! * 1000, retryAfterMs);
    this.s.retry.run(Date.now() + waitMs, failure, row.id);
    log.warn({ job: row.job_id, event: row.event, to: where, attempt: row.attempts, error: failure, retryInMs: waitMs }, 'notification not delivered; will retry');
  }
}

/** A receiver asking for more than this is waited for this long: the retry schedule still ends. */
const MAX_RETRY_AFTER_MS = 6 * 3_600_000;

/** Retry-After as seconds or an HTTP date, in ms from now (at most 6 h); 0 when absent or unreadable. */
function retryAfter(v: string | null): number {
  if (!v) return 0;
  const seconds = Number(v);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(v) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : 0;
}
