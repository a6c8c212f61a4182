import { DubarrError, throwIfCancelled } from '../sdk/errors.js';
import { defineStage } from '../sdk/plugin.js';
import { buildReport, type QaReport } from './report.js';

export default defineStage<unknown, QaReport>(async (input, ctx) => {
  throwIfCancelled(ctx);
  // The documents are read loosely (a provider may report less), the target list is not: a
  // wrong one would silently report on no target at all.
  const targets = input.params.targetLanguages ?? [];
  if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string' && t.length > 0)) {
    throw new DubarrError('E_INVALID_ARGUMENT', `qa:report needs params.targetLanguages as a list of language codes, got ${JSON.stringify(targets)}`);
  }
  return { data: buildReport(input.inputs, targets as string[]) };
});
