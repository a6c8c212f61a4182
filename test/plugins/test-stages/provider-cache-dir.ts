import { defineStage } from '../../../plugins/sdk/plugin.js';
import { providerCacheDir } from '../../../plugins/sdk/provider-cache.js';

/** Reports the provider result cache folder its worker thread was given, as `data`. */
export default defineStage(async () => ({ files: {}, data: { dir: providerCacheDir() } }));
