import { DubarrError } from '../../plugins/sdk/errors.js';

/**
 * A counting semaphore whose waiters are served by priority (lower first), then arrival.
 * Used for job slots and per-capability stage slots, so an interactive job overtakes a backfill.
 */
export class PriorityLimiter {
  private active = 0;
  private seq = 0;
  private readonly waiters: Array<{ priority: number; seq: number; grant: () => void }> = [];

  constructor(readonly limit: number) {}

  get inUse(): number { return this.active; }
  get waiting(): number { return this.waiters.length; }

  async acquire(priority: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new DubarrError('E_CANCELLED', 'Cancelled while waiting for a slot');
    if (this.active < this.limit && this.waiters.length === 0) { this.active++; return this.releaser(); }
    return new Promise((resolve, reject) => {
      const w = { priority, seq: this.seq++, grant: () => { signal?.removeEventListener('abort', onAbort); this.active++; resolve(this.releaser()); } };
      const onAbort = () => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new DubarrError('E_CANCELLED', 'Cancelled while waiting for a slot'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const at = this.waiters.findIndex((x) => x.priority > priority);
      this.waiters.splice(at === -1 ? this.waiters.length : at, 0, w);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      const next = this.waiters.shift();
      if (next) next.grant();
    };
  }
}

/** One limiter per capability, for capabilities with a configured limit. */
export class CapabilityLimits {
  private readonly limiters = new Map<string, PriorityLimiter>();
  constructor(limits: Readonly<Record<string, number>>) {
    for (const [cap, n] of Object.entries(limits)) this.limiters.set(cap, new PriorityLimiter(n));
  }
  acquire(capability: string, priority: number, signal?: AbortSignal): Promise<() => void> {
    const l = this.limiters.get(capability);
    return l ? l.acquire(priority, signal) : Promise.resolve(() => undefined);
  }
}
