import { isAbsolute } from 'node:path';
import { requireLanguage } from '../../plugins/sdk/languages.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Config } from '../config/schema.js';
import { PRIORITY, type JobOrigin, type JobSpec } from '../jobs/store.js';
import { jobOptions } from '../pipeline/job-options.js';

export type OutputMode = 'mux' | 'sidecar' | 'inplace';
export type PriorityName = keyof typeof PRIORITY;

/** What a door asks for. Unset fields take the configured pipeline defaults. */
export interface CreateJobInput {
  /** An absolute path of a video dubarr can read (doors resolve relative paths themselves). */
  path?: string;
  /** A finished upload, which the uploads module resolves to its file. One of path or uploadId. */
  uploadId?: string;
  targetLanguages?: readonly string[];
  /** A language code, or 'auto' to decide from the content. */
  sourceLanguage?: string;
  preset?: string;
  outputMode?: OutputMode;
  /** An absolute folder for the results (default: beside the input). */
  outDir?: string;
  /** Plugin name per capability ({ translate: 'apertium' }). */
  providers?: Readonly<Record<string, string>>;
  /** Terms the translation keeps (no translation) or translates as given, over the provider's own glossary. */
  glossary?: ReadonlyArray<{ term: string; translation?: string }>;
  /** Default: interactive for the CLI and the API, watch for watch folders, webhook for webhooks. */
  priority?: PriorityName;
  /** The media server item the file is (a webhook from Jellyfin, Plex or Emby): that item is refreshed when the job is done. */
  mediaItem?: { server: string; id: string };
  origin: JobOrigin;
}

const DEFAULT_PRIORITY: Record<JobOrigin, number> = {
  cli: PRIORITY.interactive, api: PRIORITY.interactive, watch: PRIORITY.watch, webhook: PRIORITY.webhook, backfill: PRIORITY.backfill,
};
const MODES: readonly OutputMode[] = ['mux', 'sidecar', 'inplace'];

const invalid = (message: string) => new DubarrError('E_INVALID_ARGUMENT', message);

function language(code: string, what: string): string {
  try {
    return requireLanguage(code).code;
  } catch (e) {
    throw invalid(`${(e as Error).message} (${what})`);
  }
}

/** A job spec from a door's request over the configured defaults; throws E_INVALID_ARGUMENT naming the bad field. */
export function jobSpec(input: CreateJobInput, path: string, pipeline: Config['pipeline']): JobSpec {
  if (!isAbsolute(path)) throw invalid(`path must be absolute, got '${path}'`);
  if (input.outDir !== undefined && !isAbsolute(input.outDir)) throw invalid(`outDir must be an absolute folder, got '${input.outDir}'`);
  if (input.outputMode !== undefined && !MODES.includes(input.outputMode)) throw invalid(`outputMode must be one of ${MODES.join(', ')}, got '${input.outputMode}'`);
  if (input.priority !== undefined && !Object.hasOwn(PRIORITY, input.priority)) throw invalid(`priority must be one of ${Object.keys(PRIORITY).join(', ')}, got '${input.priority}'`);
  const glossary = input.glossary?.map((e, i) => {
    const term = e.term.trim();
    if (!term) throw invalid(`glossary[${i}]: the term is empty`);
    return e.translation === undefined ? { term } : { term, translation: e.translation };
  });
  const targets = (input.targetLanguages ?? pipeline.targetLanguages).map((t) => t.trim()).filter(Boolean);
  const from = input.sourceLanguage ?? pipeline.sourceLanguage;
  return {
    input: path,
    preset: input.preset ?? pipeline.preset,
    targetLanguages: [...new Set(targets.map((t) => language(t, 'targetLanguages')))],
    sourceLanguage: from === 'auto' ? undefined : language(from, 'sourceLanguage'),
    options: jobOptions(pipeline, {
      mode: input.outputMode, outDir: input.outDir, providers: input.providers ? { ...input.providers } : undefined, glossary: glossary?.length ? glossary : undefined,
      mediaItem: input.mediaItem && { server: input.mediaItem.server, id: input.mediaItem.id },
    }),
    priority: input.priority !== undefined ? PRIORITY[input.priority] : DEFAULT_PRIORITY[input.origin],
    origin: input.origin,
  };
}
