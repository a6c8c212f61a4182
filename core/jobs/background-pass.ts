/**
 * Runs one piece of background work (a housekeeping pass) when asked: off the caller's path,
 * never two at once, and requests made while a pass runs give one more pass after it, not one
 * each. Every request is answered by a pass that starts after it.
 */
export class BackgroundPass {
  private running: Promise<void> | undefined;
  private asked = false;
  private stopped = false;

  constructor(private readonly pass: () => Promise<void>, private readonly onError: (e: unknown) => void) {}

  /** True once stop() was called: a pass under way should end soon. */
  get stopping(): boolean { return this.stopped; }

  request(): void {
    if (this.stopped) return;
    this.asked = true;
    this.running ??= this.loop();
  }

  /** Resolves when no pass is running or asked for. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Takes no more requests. A pass under way is not waited for: it reads `stopping` at its
   * next check and ends there (a server's shutdown must not wait for a whole pass).
   */
  stop(): void {
    this.stopped = true;
  }

  private async loop(): Promise<void> {
    // Off the caller's path: a job's completion must not wait for a single SQL statement of this.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.asked && !this.stopped) {
      this.asked = false;
      try {
        await this.pass();
      } catch (e) {
        this.onError(e);
      }
    }
    // In the same synchronous step as the last look at `asked`: a request that comes later sees
    // no loop and starts one. (Clearing this in a .finally() left a few microtasks in which a
    // request found the loop still "running" and was dropped.)
    this.running = undefined;
  }
}
