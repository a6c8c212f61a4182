import { isAbsolute } from 'node:path';
import { definePlugin } from '../sdk/index.js';
import { modelFingerprint, modelInstalled } from '../sdk/models.js';
import { SeparateOptions } from './options.js';

// See plugins/silero-vad/index.ts: set on the main thread, where the plugin host loads this.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export default definePlugin<SeparateOptions>({
  name: 'separate',
  version: '1.0.0',
  description: 'Vocals/background separation with an MDX-Net ONNX model (UVR), so the mix can replace the original voice instead of ducking it (mix.background: separate).',
  options: SeparateOptions,
  stages: [{
    id: 'separate:separate',
    capability: 'separate',
    runIn: 'worker',
    entry: new URL('./separate.stage.js', import.meta.url),
    weight: 4,
  }],
  engine: async (o) => ({ model: await modelFingerprint(o.model) }),
  async available(o) {
    if (!(await modelInstalled(o.model))) {
      return { ok: false, reason: isAbsolute(o.model)
        ? `${o.model} is not an installed model folder (no dubarr-model.json in it); fix separate.model`
        : `no separation model is installed: dubarr models pull ${o.model} (improves the mix: the original voice is removed instead of ducked)` };
    }
    return { ok: true };
  },
});
