import { languagesOnly } from '../shared.js';

/** A translator that is unavailable (unless switched on): its pair qaa -> qae must not be listed. */
export default languagesOnly('catalog-down', 'translate', { pairs: [['qaa', 'qae']] }, { offUnlessOn: true });
