/** Shared set-up of the elevenlabs tests: a contract server, a fresh provider cache, a clock that records waits. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../sdk/fault-server.testkit.js';
import type { StageDefinition, StageInput } from '../sdk/plugin.js';
import { setProviderCacheDir } from '../sdk/provider-cache.js';
import { runStageForTest, type TestRun, type TestRunOptions } from '../sdk/testing.js';
import { setElevenLabsTestHooks } from './client.js';
import { startElevenLabsServer, type ContractOptions, type ContractServer } from './contract-server.testkit.js';

export const KEY = 'sk_test_0123456789abcdef0123456789abcdef';

export interface Kit { server: ContractServer; cacheDir: string; clock: ReturnType<typeof fakeClock>; options(extra?: object): Record<string, unknown>;
  /** runStageForTest, with the work dir removed by done(). */
  run<D = unknown>(def: StageDefinition, input: Partial<StageInput> & { options: unknown }, opts?: TestRunOptions): Promise<TestRun<D>>;
  done(): Promise<void> }

export async function elevenKit(o: Partial<ContractOptions> = {}): Promise<Kit> {
  const server = await startElevenLabsServer({ apiKey: KEY, ...o });
  const cacheDir = await mkdtemp(join(tmpdir(), 'dubarr-eleven-cache-'));
  setProviderCacheDir(cacheDir);
  const clock = fakeClock();
  const workDirs: string[] = [];
  setElevenLabsTestHooks({ clock, policy: { baseDelayMs: 100, maxDelayMs: 1000 } });
  return {
    server, cacheDir, clock,
    options: (extra = {}) => ({ apiKey: KEY, baseUrl: server.url, ...extra }),
    async run(def, input, opts) {
      const r = await runStageForTest(def, input, opts);
      workDirs.push(r.workDir);
      return r as never;
    },
    async done() {
      setElevenLabsTestHooks({});
      await Promise.all(workDirs.map((d) => rm(d, { recursive: true, force: true })));
      await server.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
