import { languagesOnly } from '../shared.js';

/** Translates in declared pairs; qaa -> qaa is a translation to itself, which no pair list offers. */
export default languagesOnly('catalog-pairs', 'translate', { pairs: [['qaa', 'qab'], ['qaa', 'qaa']] });
