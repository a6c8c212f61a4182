import { defineStage } from '../../../plugins/sdk/plugin.js';

export default defineStage(async () => ({ data: null }));
