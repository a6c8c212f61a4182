import { languagesOnly } from '../shared.js';

/** A voice declaring no languages (the selector lets it speak any), unavailable unless switched on. */
export default languagesOnly('catalog-anyvoice', 'synthesize', undefined, { offUnlessOn: true });
