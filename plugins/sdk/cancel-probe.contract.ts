/**
 * The contract suite on the cancel probe's worker stage, run by testing.test.ts in a child
 * process (`node cancel-probe.contract.js <check>`) so that a failing contract test is an
 * outcome to assert on, not a failure of the suite. <check> is the probe's params.check.
 */
import { cancelProbe } from './cancel-probe.testkit.js';
import { contractSuite } from './contract.js';

const check = process.argv[2];

contractSuite({
  plugin: cancelProbe,
  stage: 'cancel-probe:worker',
  invalidOptions: 'not an object',
  validInput: async () => ({ options: {}, params: { check } }),
  corruptInput: async () => ({ options: {}, params: { check: 'nonsense' } }),
  corruptCode: 'E_INVALID_ARGUMENT',
  longInput: async () => ({ options: {}, params: { check } }),
});
