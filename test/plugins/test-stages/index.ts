/**
 * Stages that exercise the runtime, not media: they sleep, fail on cue, block like native code,
 * and log every run to a JSON-lines file so tests can count runs and measure concurrency.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { definePlugin } from '../../../plugins/sdk/plugin.js';

const entry = (f: string) => new URL(`./${f}.js`, import.meta.url);

export default definePlugin({
  name: 'test-stages',
  version: '1.0.0',
  options: z.object({
    /** JSON-lines file every run appends to ('' = none). */
    logFile: z.string().default(''),
    /** Where flaky stages count their attempts. */
    counterDir: z.string().default(''),
    ms: z.number().int().nonnegative().default(200),
    /** A model file the engine fingerprint hashes, as a neural provider's would ('' = none). */
    modelFile: z.string().default(''),
    /** Whether the reads-if stage reads its input `prep` (as the mix reads a separation only when asked to). */
    readsPrep: z.boolean().default(true),
    /** Where the paid stages send their billable requests, and how many each run sends. */
    paidUrl: z.string().default(''),
    paidCalls: z.number().int().nonnegative().default(3),
    /** A credential, as a cloud plugin has: it must not be part of a cache key. */
    apiKey: z.string().default(''),
  }),
  stages: [
    { id: 'test-stages:slow', capability: 'slow', runIn: 'worker', entry: entry('slow') },
    { id: 'test-stages:slow-main', capability: 'slow-main', runIn: 'main', entry: entry('slow') },
    { id: 'test-stages:heavy', capability: 'heavy', runIn: 'worker', entry: entry('slow') },
    { id: 'test-stages:flaky', capability: 'flaky', runIn: 'worker', entry: entry('flaky'), retries: 2 },
    { id: 'test-stages:broken', capability: 'broken', runIn: 'worker', entry: entry('flaky') },
    { id: 'test-stages:native-like', capability: 'native-like', runIn: 'worker', entry: entry('blocking') },
    { id: 'test-stages:noop', capability: 'noop', runIn: 'worker', entry: entry('noop') },
    { id: 'test-stages:noop-main', capability: 'noop-main', runIn: 'main', entry: entry('noop') },
    // Also offered by test-spare: the provider to fall back to.
    { id: 'test-stages:modelled', capability: 'modelled', runIn: 'worker', entry: entry('noop') },
    { id: 'test-stages:parallelism', capability: 'parallelism', runIn: 'worker', entry: entry('parallelism') },
    { id: 'test-stages:paid', capability: 'paid', runIn: 'worker', entry: entry('paid') },
    // A QA step's document, so a job of these stages has a report to download.
    { id: 'test-stages:report', capability: 'qa', runIn: 'main', entry: entry('report') },
    { id: 'test-stages:paid-main', capability: 'paid-main', runIn: 'main', entry: entry('paid') },
    { id: 'test-stages:given-track', capability: 'given-track', runIn: 'main', entry: entry('given-track') },
    {
      id: 'test-stages:reads-if', capability: 'reads-if', runIn: 'worker', entry: entry('noop'),
      readsInput: (name, o) => name !== 'prep' || (o as { readsPrep: boolean }).readsPrep,
    },
  ],
  // Throws when the model file is gone, as a provider's fingerprint does when its model vanished.
  engine: async (o): Promise<Record<string, string>> => (o.modelFile ? { model: createHash('sha256').update(readFileSync(o.modelFile)).digest('hex') } : {}),
});
