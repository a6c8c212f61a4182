import { definePlugin } from '../sdk/index.js';
import { SourceLanguageOptions } from './options.js';

export { decideSourceLanguage } from './decide.js';

export default definePlugin<SourceLanguageOptions>({
  name: 'source-language',
  version: '1.0.0',
  description: 'Decides the source language from the evidence: --from, subtitle text identification (eld), audio identification, then tags.',
  options: SourceLanguageOptions,
  stages: [{
    id: 'source-language:decide',
    capability: 'source-language',
    languages: { input: '*', output: '*' },
    // Loading the text identifier's tables blocks for up to a second or so: not on the main thread.
    runIn: 'worker',
    entry: new URL('./decide.stage.js', import.meta.url),
    weight: 0.05,
  }],
});
