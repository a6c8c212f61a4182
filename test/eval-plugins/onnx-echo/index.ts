/**
 * A transcribe provider for the eval command's test: it runs its model (test/fixtures/onnx/
 * scale.py, y = x * factor) through onnxSession like the neural providers do, and says "the"
 * y times, so the words it returns come from a real ONNX run of the model it was given.
 */
import { z } from 'zod';
import { modelInstalled } from '../../../plugins/sdk/models.js';
import { onnxRuntimeOptions } from '../../../plugins/sdk/onnx-session.js';
import { definePlugin } from '../../../plugins/sdk/plugin.js';

export const OnnxEchoOptions = z.object({ model: z.string().default('echo-3'), ...onnxRuntimeOptions });

export default definePlugin({
  name: 'onnx-echo',
  version: '1.0.0',
  options: OnnxEchoOptions,
  stages: [{ id: 'onnx-echo:transcribe', capability: 'transcribe', languages: { input: '*', output: '*' }, runIn: 'worker', entry: new URL('./transcribe.stage.js', import.meta.url) }],
  async available(o) {
    return (await modelInstalled(o.model)) ? { ok: true } : { ok: false, reason: `no onnx-echo model is installed: dubarr models pull ${o.model}` };
  },
});
