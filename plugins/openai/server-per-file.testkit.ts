/**
 * Each openai stage test file's set-up: one contract server for the file, and before each test
 * a fresh provider cache (nothing one test bought is found by the next) and a reset server.
 */
import { after, before, beforeEach } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setProviderCacheDir } from '../sdk/index.js';
import { startOpenAIContractServer, type OpenAIContractServer } from './contract-server.testkit.js';

export function contractServerPerFile(apiKey: string, started: (server: OpenAIContractServer) => void): { freshCache(): Promise<void> } {
  let server: OpenAIContractServer;
  let cacheRoot: string;
  const freshCache = async () => setProviderCacheDir(await mkdtemp(join(cacheRoot, 'run-')));
  before(async () => {
    cacheRoot = await mkdtemp(join(tmpdir(), 'openai-cache-'));
    server = await startOpenAIContractServer({ apiKey });
    started(server);
  });
  after(async () => {
    await server.close();
    await rm(cacheRoot, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await freshCache();
    server.reset();
  });
  return { freshCache };
}
