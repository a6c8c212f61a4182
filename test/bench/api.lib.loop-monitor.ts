/**
 * Preloaded into the `dubarr serve` process the `api` bench starts (`node --import <this>`):
 * measures that process's event-loop delay with perf_hooks and answers the bench over the IPC
 * channel, so the server's own code carries nothing for the benchmark.
 * Messages: 'reset' starts a window; 'read' answers with the window's figures.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopWindow {
  type: 'loop';
  /** Event-loop delay in ms: how late the sampling timer fired. */
  p50: number; p99: number; max: number; mean: number;
  samples: number;
  /** CPU seconds of the server process (every thread) during the window. */
  cpuS: number;
  wallS: number;
}

// The sampling timer fires every RESOLUTION_MS; each sample is how late it fired. 10 ms is the
// library's default and prom-client's: finer sampling wakes the loop more and perturbs it.
const RESOLUTION_MS = 10;

if (process.send) {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  process.on('message', (m: unknown) => {
    if (m === 'reset') {
      h.reset();
      cpu0 = process.cpuUsage();
      t0 = performance.now();
    } else if (m === 'read') {
      // Each sample is the whole interval between two firings: the lag is what exceeds the interval.
      const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
      const cpu = process.cpuUsage(cpu0);
      const w: LoopWindow = {
        type: 'loop', p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean),
        samples: h.count, cpuS: (cpu.user + cpu.system) / 1e6, wallS: (performance.now() - t0) / 1000,
      };
      process.send!(w);
    }
  });
  // The channel must not keep a server that was told to stop alive.
  process.channel?.unref();
}
