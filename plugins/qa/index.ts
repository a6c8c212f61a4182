import { z } from 'zod';
import { definePlugin } from '../sdk/plugin.js';

export default definePlugin({
  name: 'qa',
  version: '1.0.0',
  description: 'The per-job QA report: source used, segment counts, ASR confidence, stretch factors, overflows, placement error, loudness.',
  options: z.object({}),
  stages: [{ id: 'qa:report', capability: 'qa', runIn: 'main', entry: new URL('./report.stage.js', import.meta.url), weight: 0.05 }],
});
