import type { Config } from '../config/schema.js';
import type { JobOptions } from '../jobs/store.js';

/**
 * A job's options: what the caller asked for over the configured pipeline defaults. The one
 * place config turns into job options, for the CLI, the watch folders and the API alike.
 */
export function jobOptions(pipeline: Config['pipeline'], given: Partial<JobOptions> = {}): JobOptions {
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<JobOptions>;
  const out: JobOptions = {
    mode: pipeline.mode,
    outDir: pipeline.outDir || undefined,
    forceInplaceHardlinked: pipeline.forceInplaceHardlinked,
    defaultAudio: pipeline.defaultAudio,
    defaultSubtitle: pipeline.defaultSubtitle,
    subtitleFormats: [...pipeline.subtitleFormats],
    ...defined,
  };
  // The source-language step's threshold is a plugin option, so it is part of that step's cache key.
  const decide = out.plugins?.['source-language'];
  if (decide?.minConfidence === undefined) {
    out.plugins = { ...out.plugins, 'source-language': { ...decide, minConfidence: pipeline.sourceLanguageConfidence } };
  }
  if (!pipeline.preferSubtitles) {
    // Existing subtitles are then never the source text: speech recognition always runs.
    out.plugins = { ...out.plugins, subtitles: { ...out.plugins?.subtitles, enabled: false } };
  }
  return out;
}
