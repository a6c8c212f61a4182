/**
 * Runs one piece of background work (a housekeeping pass) when asked: off the caller's path,
 * never two at once, and requests made while a pass runs give one more pass after it, not one
 * each.
 */
export class BackgroundPass {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly pass: () => Promise<void>, private readonly onError: (e: unknown) => void) {}

  /** True once stop() was called: a pass under way should end soon. */
  get stopping(): boolean { return this.stopped; }

  request(): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    this.running = this.loop().finally(() => { this.running = undefined; });
  }

  /** Resolves when no pass is running or asked for. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Takes no more requests and waits for the pass under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async loop(): Promise<void> {
    // Off the caller's path: a job's completion must not wait for a single SQL statement of this.
    await new Promise((resolve) => setImmediate(resolve));
    do {
      this.again = false;
      try {
        await this.pass();
      } catch (e) {
        this.onError(e);
      }
    } while (this.again && !this.stopped);
  }
}
