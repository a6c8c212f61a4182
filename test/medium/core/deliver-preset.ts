import type { PresetInput } from '../../../core/pipeline/plan.js';
import { toneM4a } from '../../fixtures/media.js';

/** The real mux delivering a generated dub track (the shape a mix returns) beside the source, or in outDir. */
export async function deliverPreset(): Promise<PresetInput> {
  const track = await toneM4a(440, 4);
  return {
    steps: [
      { id: 'extract', capability: 'extract', inputs: { source: 'source' } },
      { id: 'mix', capability: 'given-track', perTarget: true, inputs: { source: 'source' }, params: { file: track } },
      { id: 'mux', capability: 'mux', cache: false, jobParams: ['mode', 'outDir'], inputs: { source: 'source', extract: 'extract', mix: 'mix' } },
      { id: 'qa', capability: 'qa', cache: false, inputs: { extract: 'extract', mix: 'mix', mux: 'mux' } },
    ],
  };
}
