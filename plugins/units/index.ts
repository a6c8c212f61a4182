import { definePlugin } from '../sdk/index.js';
import { UnitsOptions } from './options.js';

export { segmentUnits } from './segment-units.js';
export { endsSentence, boundaryKind } from '../sdk/punctuation.js';

export default definePlugin<UnitsOptions>({
  name: 'units',
  version: '1.0.0',
  description: 'Dubbing units: transcript segments merged and split into sentence-like stretches of about 1-8 s.',
  options: UnitsOptions,
  stages: [{
    id: 'units:segment',
    capability: 'segment',
    languages: { input: '*', output: '*' },
    runIn: 'main',
    entry: new URL('./segment.stage.js', import.meta.url),
    weight: 0.05,
  }],
  async available() {
    return { ok: true };
  },
});
