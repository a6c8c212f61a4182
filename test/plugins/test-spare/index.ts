/** A second provider of test-stages' 'modelled' capability, for tests of falling back to the next provider. */
import { z } from 'zod';
import { definePlugin } from '../../../plugins/sdk/plugin.js';

export default definePlugin({
  name: 'test-spare',
  version: '1.0.0',
  options: z.object({}),
  stages: [{ id: 'test-spare:modelled', capability: 'modelled', runIn: 'worker', entry: new URL('../test-stages/noop.js', import.meta.url) }],
});
