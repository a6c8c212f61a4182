import { languagesOnly } from '../shared.js';

/** Takes any language into qab: nothing to enumerate, yet the selector picks it for any pair into qab. */
export default languagesOnly('catalog-any', 'translate', { input: '*', output: ['qab'] });
