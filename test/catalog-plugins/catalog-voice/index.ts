import { languagesOnly } from '../shared.js';

/** A voice for qab only. */
export default languagesOnly('catalog-voice', 'synthesize', { output: ['qab'] });
