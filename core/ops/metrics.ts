import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Runtime } from '../app/runtime.js';
import type { BusEvent } from '../jobs/journal.js';

/**
 * The Prometheus metrics of one runtime. Counts that the database already holds (jobs by
 * status, queue depth) are read from it at each scrape, so they are right across restarts and
 * other processes; what only passes by (stage durations, provider errors) is taken from the
 * job bus, so the scheduler knows nothing of metrics. One registry per runtime: tests run
 * several runtimes in one process.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly uploadBytes: Counter;

  constructor(rt: Runtime) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'dubarr_jobs', help: 'Jobs in the database by status.', labelNames: ['status'], registers,
      collect() {
        for (const [status, n] of Object.entries(rt.store.countByStatus())) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'dubarr_queue_depth', help: 'Jobs waiting to run.', registers,
      collect() { this.set(rt.store.countByStatus().queued); },
    });
    new Gauge({
      name: 'dubarr_worker_queue_depth', help: 'Stages waiting for a worker thread.', registers,
      collect() { this.set(rt.pool.queueSize); },
    });
    new Gauge({
      name: 'dubarr_cloud_spend_today_usd', help: 'US dollars spent on cloud providers this UTC day (budget.perDay counts the same), by provider.',
      labelNames: ['provider'], registers,
      collect() {
        this.reset();
        for (const [provider, usd] of rt.costs.spentOnByProvider(rt.costs.today())) this.set({ provider }, usd);
      },
    });
    const stageSeconds = new Histogram({
      name: 'dubarr_stage_duration_seconds', help: 'Wall time of stages that succeeded, by capability and provider.',
      labelNames: ['capability', 'provider'], registers,
      // Stages range from milliseconds (a cached lookup, a mux) to an hour (speech recognition of a film).
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
    });
    const providerErrors = new Counter({
      name: 'dubarr_provider_errors_total', help: 'Stage attempts that failed, by provider and error code (retried ones included).',
      labelNames: ['provider', 'code'], registers,
    });
    this.uploadBytes = new Counter({ name: 'dubarr_upload_bytes_total', help: 'Bytes received by uploads.', registers });
    rt.bus.on('event', (e: BusEvent) => {
      const provider = typeof e.data?.provider === 'string' ? e.data.provider : 'unknown';
      if (e.type === 'stage.succeeded' && typeof e.data?.durationMs === 'number') {
        stageSeconds.observe({ capability: capabilityOf(e.data.stage), provider }, e.data.durationMs / 1000);
      } else if (e.type === 'stage.failed' || e.type === 'stage.retrying') {
        providerErrors.inc({ provider, code: typeof e.data?.code === 'string' ? e.data.code : 'E_INTERNAL' });
      }
    });
  }

  countUploadBytes(n: number): void {
    if (n > 0) this.uploadBytes.inc(n);
  }

  /** The text exposition format, and its content type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/** Stage ids are '<plugin>:<capability>'. */
function capabilityOf(stage: unknown): string {
  return typeof stage === 'string' && stage.includes(':') ? stage.slice(stage.indexOf(':') + 1) : 'unknown';
}

const byRuntime = new WeakMap<Runtime, ServerMetrics>();

/** The runtime's metrics, made (and subscribed to its bus) on first use: the HTTP app asks when it is built. */
export function metricsOf(rt: Runtime): ServerMetrics {
  let m = byRuntime.get(rt);
  if (!m) byRuntime.set(rt, (m = new ServerMetrics(rt)));
  return m;
}

/** For the upload endpoint: counts bytes as they arrive. */
export function countUploadBytes(rt: Runtime, bytes: number): void {
  metricsOf(rt).countUploadBytes(bytes);
}
