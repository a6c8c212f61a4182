import { defineStage } from '../../../plugins/sdk/plugin.js';

export default defineStage(async (input) => ({ data: { steps: Object.keys(input.inputs) } }));
