import { defineStage } from '../sdk/plugin.js';
import { buildReport, type QaReport } from './report.js';

export default defineStage<unknown, QaReport>(async (input) => {
  const targets = Array.isArray(input.params.targetLanguages) ? (input.params.targetLanguages as string[]) : [];
  return { data: buildReport(input.inputs, targets) };
});
