/** ONNX sessions of the two models, with their input and output names checked. */
import { DubarrError } from '../sdk/errors.js';
import { onnxSession } from '../sdk/onnx-session.js';
import type { Logger } from '../sdk/plugin.js';
import type { OpenedModel } from './model-files.js';
import type { DiarizeOptions } from './options.js';
import type { ModelRunner } from './window-analysis.js';

export async function modelRunner(
  m: OpenedModel<unknown>, io: { inputs: readonly string[]; outputs: readonly string[] }, o: DiarizeOptions, log: Logger,
): Promise<ModelRunner & { loadMs: number }> {
  const { session, loadMs } = await onnxSession(m.onnx, {
    executionProviders: o.executionProviders, threads: o.threads, residentMb: m.model.entry.residentMb, label: m.model.id, log,
  });
  return { session, input: pick('input', session.inputNames, io.inputs, m), output: pick('output', session.outputNames, io.outputs, m), loadMs };
}

function pick(what: string, has: readonly string[], accepted: readonly string[], m: OpenedModel<unknown>): string {
  const name = accepted.find((n) => has.includes(n));
  if (!name) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `${m.model.id} (${m.onnx}) is not a model the diarize provider runs: it has no ${what} named `
      + `${accepted.join(' or ')} (it has ${has.join(', ')})`);
  }
  return name;
}
