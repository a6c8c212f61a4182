/**
 * An open-loop HTTP load generator: request i is due at start + i / rate whatever happened to
 * the ones before, and its latency runs from that due time to the last byte of its response.
 * A stalled server therefore shows as the whole stall on every request that fell due during
 * it, instead of one slow request and a quiet pause in sending (coordinated omission, which a
 * closed-loop tool such as autocannon has: each connection sends its next request only after
 * the last answer, and its correction option fills in guessed samples).
 * Requests go over a keep-alive pool of node:http sockets; one that waits for a free socket
 * is counted as waiting, since its clock started when it fell due.
 */
import { Agent, request, type ClientRequest } from 'node:http';

export interface OpenLoopOptions {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Requests per second, offered whatever the answers do. */
  rate: number;
  durationMs: number;
  /** Answers still missing this long after the last request was due count as failed. */
  drainMs?: number;
  /** A response body that is not what the caller expected (an error inside a 200, say) is a failure; returns a reason. */
  check?: (status: number, body: string) => string | undefined;
  /** Most sockets open at once. A browser opens 6 per host; more lets a slow answer not hold back the next. */
  maxSockets?: number;
}

export interface OpenLoopResult {
  sent: number;
  ok: number;
  failed: number;
  /** First failure reasons (at most 5). */
  failures: string[];
  /** Milliseconds from due time to the response's last byte, of the successful requests, ascending. */
  latencies: number[];
  /** How late the generator itself sent, ms (its own event loop): p99 and max. A late sender is counted against the server. */
  sendLateP99: number;
  sendLateMax: number;
  /** Successful answers per second of the schedule. */
  achievedRate: number;
}

/** The p-th percentile (0..100) of ascending values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function openLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 64 });
  const total = Math.round((o.rate * o.durationMs) / 1000);
  const intervalMs = 1000 / o.rate;
  const latencies: number[] = [];
  const late: number[] = [];
  const failures: string[] = [];
  let ok = 0;
  let failed = 0;
  let answered = 0;
  let sent = 0;
  const fail = (why: string) => { failed++; if (failures.length < 5) failures.push(why); };
  // Requests not yet answered, some still waiting in the agent for a socket: when the run ends
  // they are destroyed, or the agent would go on sending them into the next run.
  const inFlight = new Set<ClientRequest>();
  let over = false;
  let allAnswered!: () => void;
  const done = new Promise<void>((r) => { allAnswered = r; });
  const settle = (req: ClientRequest) => {
    if (over || !inFlight.delete(req)) return;
    if (++answered === total) allAnswered();
  };

  const fire = (due: number) => {
    late.push(performance.now() - due);
    const req = request(o.url, { method: o.method, agent, headers: { ...o.headers, ...(o.body ? { 'content-length': Buffer.byteLength(o.body) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const end = performance.now();
        const status = res.statusCode ?? 0;
        const why = status !== 200 ? `HTTP ${status}` : o.check?.(status, Buffer.concat(chunks).toString());
        if (over) return;
        if (why) fail(why); else { ok++; latencies.push(end - due); }
        settle(req);
      });
      res.on('error', (e) => { if (!over) { fail(e.message); settle(req); } });
    });
    req.on('error', (e) => { if (!over) { fail(e.message); settle(req); } });
    inFlight.add(req);
    req.end(o.body);
  };

  const start = performance.now() + 20;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out now: a late timer never thins the offered load.
      while (sent < total && start + sent * intervalMs <= now) fire(start + sent++ * intervalMs);
      if (sent === total) { resolve(); return; }
      setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  const drained = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), o.drainMs ?? 10_000).unref())]);
  over = true;
  if (!drained) {
    const missing = total - answered;
    failed += missing;
    failures.push(`${missing} requests unanswered ${o.drainMs ?? 10_000} ms after the last was due`);
  }
  for (const req of inFlight) req.destroy();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  late.sort((a, b) => a - b);
  return {
    sent, ok, failed, failures, latencies,
    sendLateP99: percentile(late, 99), sendLateMax: late.at(-1) ?? 0,
    achievedRate: ok / (o.durationMs / 1000),
  };
}
