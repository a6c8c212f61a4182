import { createModelBudget, installModelBudget } from '../../plugins/sdk/model-budget.js';
import { setOnnxDefaults, type OnnxDefaults } from '../../plugins/sdk/onnx-session.js';
import type { Config } from '../config/schema.js';

/**
 * The process's model budget and ONNX defaults from the models config, installed on this
 * (the main) thread; the stage pool hands the same to its worker threads.
 */
export function modelRuntime(models: Config['models']): { modelBudget: SharedArrayBuffer; onnxDefaults: OnnxDefaults } {
  const modelBudget = createModelBudget({ maxResidentMb: models.maxResidentMb, gpuConcurrency: models.gpuConcurrency });
  installModelBudget(modelBudget);
  const onnxDefaults: OnnxDefaults = { executionProviders: models.executionProviders, threads: models.threads };
  setOnnxDefaults(onnxDefaults);
  return { modelBudget, onnxDefaults };
}
