import { Tensor } from 'onnxruntime-node';
import { openModel } from '../../../plugins/sdk/models.js';
import { onnxSession } from '../../../plugins/sdk/onnx-session.js';
import { defineStage, type StageInput } from '../../../plugins/sdk/plugin.js';
import type { Transcript } from '../../../plugins/sdk/artifacts.js';
import { OnnxEchoOptions } from './index.js';

export default defineStage<unknown, Transcript>(async (input: StageInput, ctx) => {
  const o = OnnxEchoOptions.parse(input.options);
  const model = await openModel(o.model, { task: 'asr', provider: 'onnx-echo' });
  const { session } = await onnxSession(model.file('scale.onnx'), {
    executionProviders: o.executionProviders, threads: o.threads, residentMb: model.entry.residentMb, label: model.id, log: ctx.log,
  });
  const out = await session.run({ x: new Tensor('float32', Float32Array.of(1), [1]) });
  const times = Math.round((out.y!.data as Float32Array)[0]!);
  return { data: { language: 'en', source: { kind: 'asr', provider: 'onnx-echo' }, segments: [{ id: '0', start: 0, end: 1000, text: Array(times).fill('the').join(' ') }] } };
});
