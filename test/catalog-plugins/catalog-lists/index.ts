import { languagesOnly } from '../shared.js';

/** Declares what it takes and what it gives, no pairs: every input to every other output. */
export default languagesOnly('catalog-lists', 'translate', { input: ['qaa', 'qac'], output: ['qaa', 'qab', 'qad'] });
