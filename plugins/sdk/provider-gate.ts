/**
 * Per-provider limits shared by every request of this thread (module state is per thread, so
 * each stage worker has its own; the vendor's limit is divided by the pool's size by whoever
 * sets it): at most `concurrency` requests in flight, and request starts spaced so that no more
 * than `requestsPerSecond` begin per second. A server's "wait N ms" (a 429's Retry-After) pauses
 * the whole provider, not only the request that got it: the others would get 429 too.
 */
import { DubarrError } from './errors.js';

export interface ProviderClock {
  now(): number;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** [0, 1), for jitter. */
  random(): number;
}

export const realClock: ProviderClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(cancelled()); };
    signal?.addEventListener('abort', onAbort, { once: true });
  }),
  random: () => Math.random(),
};

function cancelled(): DubarrError {
  return new DubarrError('E_CANCELLED', 'Cancelled');
}

export interface GateLimits {
  concurrency: number;
  /** 0 or Infinity: no rate limit. */
  requestsPerSecond: number;
}

export class ProviderGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Earliest time the next request may start. */
  private nextStart = 0;

  constructor(public limits: GateLimits, private readonly clock: ProviderClock) {}

  /** Requests in flight now (for tests and metrics). */
  get inFlight(): number { return this.active; }

  /** Waits for a slot and the rate limit; call the returned release exactly once. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw cancelled();
    if (this.active >= this.limits.concurrency) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => { signal?.removeEventListener('abort', onAbort); resolve(); };
        const onAbort = () => {
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(cancelled());
        };
        this.waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      // Handed over by a releaser, which did not decrement: the slot is counted already.
    } else {
      this.active++;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); else this.active--;
    };
    try {
      const rps = this.limits.requestsPerSecond;
      const now = this.clock.now();
      const start = Math.max(now, this.nextStart);
      if (rps > 0 && Number.isFinite(rps)) this.nextStart = start + 1000 / rps;
      else this.nextStart = Math.max(this.nextStart, now);
      if (start > now) await this.clock.sleep(start - now, signal);
    } catch (e) {
      release();
      throw e;
    }
    return release;
  }

  /** The server asked for `ms` of quiet: no request of this provider starts before then. */
  pauseFor(ms: number): void {
    this.nextStart = Math.max(this.nextStart, this.clock.now() + ms);
  }
}

const gates = new Map<string, ProviderGate>();

/**
 * The gate of a provider in this thread, made on first use; later calls update its limits (a
 * job's options may change them) but keep its queue and pause.
 */
export function providerGate(provider: string, limits: GateLimits, clock: ProviderClock = realClock): ProviderGate {
  let g = gates.get(provider);
  if (!g) {
    g = new ProviderGate(limits, clock);
    gates.set(provider, g);
  } else {
    g.limits = limits;
  }
  return g;
}
