/**
 * deepl: translation with the DeepL API (Free or Pro, or any server speaking it through
 * baseUrl). A cloud provider: it needs an API key and spends characters, which the job's cost
 * ledger reserves before each request (budget.prices.deepl.characters).
 */
import { definePlugin } from '../sdk/index.js';
import { deeplPairs } from './deepl-languages.js';
import { DeeplOptions } from './options.js';

export default definePlugin<DeeplOptions>({
  name: 'deepl',
  version: '1.0.0',
  description: 'Cloud translation with DeepL (API key needed; billed per character): neighbouring lines as context, formality, the glossary as a DeepL glossary.',
  options: DeeplOptions,
  stages: [{
    id: 'deepl:translate',
    capability: 'translate',
    // It only waits on HTTP.
    runIn: 'main',
    entry: new URL('./translate.stage.js', import.meta.url),
    weight: 0.2,
  }],
  async available(options) {
    if (!options.apiKey) {
      return { ok: false, reason: 'deepl has no API key: set plugins.options.deepl.apiKey (or DUBARR_PLUGINS_OPTIONS_DEEPL__API_KEY) to a DeepL API key (Free keys end in :fx)' };
    }
    // From DeepL's documented list, not the network: available() must be quick and offline.
    return { ok: true, languages: { pairs: deeplPairs() } };
  },
});
