import { availableParallelism, totalmem } from 'node:os';
import { z } from 'zod';
import { EXECUTION_PROVIDERS } from '../../plugins/sdk/execution-providers.js';
import { COST_UNITS, type CostUnit } from '../../plugins/sdk/cost.js';
import { lookupLanguage } from '../../plugins/sdk/languages.js';
import { DEFAULT_SUBTITLE_FORMATS, SUBTITLE_OUTPUT_FORMATS } from '../../plugins/sdk/subtitle-output-formats.js';
import { deepFreeze, type DeepReadonly } from './freeze.js';
import { fsPath, kebabName } from './schema-tags.js';

/*
 * The one description of dubarr's configuration. Defaults live here and nowhere else;
 * config/default.yaml documents them and a test keeps the two equal. Objects are strict so a
 * misspelt key in a config file is reported instead of silently ignored.
 */

const languageCode = z.string().refine((v) => lookupLanguage(v) !== undefined, {
  message: "unknown language: use an ISO 639 code such as 'es' or 'spa'",
});
const outputMode = z.enum(['mux', 'sidecar', 'inplace']);
const capability = kebabName('a capability');
const pluginName = kebabName('a plugin name');
const positiveInt = () => z.int().min(1);
const nonNegativeInt = () => z.int().min(0);

const server = z.strictObject({
  host: z.string().min(1).default('127.0.0.1')
    .describe("Address the HTTP server listens on. '127.0.0.1' serves this machine only; '0.0.0.0' serves the network."),
  port: z.int().min(0).max(65535).default(7878)
    .describe('TCP port of the HTTP server (web page, GraphQL, webhooks). 0 = any free port (the one chosen is logged).'),
  requireApiKey: z.boolean().default(false)
    .describe('Require an API key on every request but /healthz even when listening on loopback. Beyond loopback (e.g. 0.0.0.0) keys are always required.'),
  allowedHosts: z.array(z.string().min(1)).default([])
    .describe("Host names (the Host header) the server answers besides IP addresses, localhost and server.host; a leading '.' allows subdomains ('.example.org'). Other names are refused (403 E_HOST_NOT_ALLOWED) against DNS rebinding."),
  cors: z.strictObject({
    origins: z.array(z.string().min(1)).default([])
      .describe("Origins (e.g. 'https://app.example.org') whose web pages may call the API from a browser. Empty = none."),
  }).prefault({}).describe('Cross-origin requests from browsers.'),
  maxRequestBytes: positiveInt().default(1_048_576)
    .describe('Largest request body in bytes (JSON, GraphQL), 413 E_REQUEST_TOO_LARGE above it. Uploads to /uploads and multipart file posts have server.maxUploadBytes instead.'),
  maxUploadBytes: nonNegativeInt().default(4_294_967_296)
    .describe('Largest uploaded file in bytes (default 4 GiB), for the tus endpoint /uploads and multipart file posts. A larger declared Upload-Length is refused with 413 before anything is written, and no upload is let grow past it. 0 = no limit.'),
  uploadExpiryHours: z.number().positive().default(24)
    .describe('Hours an unfinished upload is kept after it was created; a periodic cleanup then removes it (its offset answers 410 from then on). Finished uploads are kept until deleted.'),
  mediaRoots: z.array(fsPath()).default([])
    .describe('Folders whose files API clients may name by path (createJob, REST); a path must resolve, after symlinks, inside one of them or the uploads folder. Empty = uploaded files only.'),
  readyMinFreeDiskGb: z.number().min(0).default(1)
    .describe('/readyz answers 503 while the disk of dataDir has less free space than this, in GB (decimals allowed).'),
  graphiql: z.boolean().default(true)
    .describe('Serve GraphiQL (an in-browser query editor) at /graphql to browsers. Off by default when NODE_ENV=production.'),
});

const log = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info')
    .describe('Lowest log level written.'),
  pretty: z.enum(['auto', 'always', 'never']).default('auto')
    .describe("Human-readable log lines instead of JSON. 'auto' = pretty on a terminal, JSON otherwise."),
});

const database = z.strictObject({
  path: fsPath().default('').describe("SQLite file holding jobs and their history. '' = <dataDir>/dubarr.db."),
});

const cache = z.strictObject({
  dir: fsPath().default('').describe("Folder of cached stage results, reused by re-runs and restarts. '' = <dataDir>/cache."),
  maxSizeGb: z.number().positive().default(20)
    .describe('Size in GB the cache is pruned back to, least recently used first, after every job; entries that queued or running jobs need are kept.'),
});

const workers = z.strictObject({
  threads: z.union([z.literal('auto'), positiveInt()], { error: "expected 'auto' or a whole number >= 1" })
    .transform((v) => (v === 'auto' ? availableParallelism() : v))
    .prefault('auto')
    .describe("Worker threads for CPU-heavy stages, and the cores they share: a stage that splits its work (speech recognition over VAD regions) runs up to its share of them at once. 'auto' = one per CPU core."),
  idleTimeoutMs: nonNegativeInt().default(60_000).describe('Milliseconds an idle worker thread is kept before it exits.'),
  cancelGraceMs: nonNegativeInt().default(1000)
    .describe('Milliseconds a cancelled stage gets to stop on its own before its worker thread is terminated.'),
});

const jobs = z.strictObject({
  concurrency: positiveInt().default(1).describe('Jobs run at the same time.'),
  maxAttempts: positiveInt().default(3).describe('Times a job is tried before it is marked failed.'),
  keepWorkDirOnFailure: z.boolean().default(false).describe("Keep a failed job's work folder for debugging instead of deleting it."),
  retentionDays: z.number().nonnegative().default(90)
    .describe("Days a finished job (with its stage runs, events and kept work folder) is kept after it ended. 0 = forever. A file's newest succeeded job is always kept: it is the record that the file is done, so a watch folder does not dub it again."),
});

const stages = z.strictObject({
  concurrency: z.record(capability, positiveInt())
    .default({ transcribe: 1, separate: 1, diarize: 1, synthesize: 2 })
    .describe('Most stages of one capability running at once, across all jobs. Capabilities not listed are limited only by workers.threads.'),
  timeoutMs: z.record(capability, positiveInt())
    .refine((r) => Object.hasOwn(r, 'default'), "needs a 'default' entry")
    .default({ default: 3_600_000 })
    .describe("Milliseconds a stage may run before it fails with E_STAGE_TIMEOUT, per capability; 'default' applies to the rest."),
  retries: z.record(capability, nonNegativeInt())
    .refine((r) => Object.hasOwn(r, 'default'), "needs a 'default' entry")
    .default({ default: 2 })
    .describe("Retries of a stage after a retryable error, per capability; 'default' applies to the rest."),
  backoff: z.strictObject({
    baseMs: nonNegativeInt().default(1000).describe('Milliseconds before the first retry.'),
    maxMs: nonNegativeInt().default(60_000).describe('Longest wait in milliseconds between retries.'),
    factor: z.number().min(1).default(2).describe('Each retry waits this many times longer than the one before.'),
  }).prefault({}).describe('Wait between retries: min(maxMs, baseMs * factor^(attempt-1)).'),
});

const pipeline = z.strictObject({
  preset: z.string().min(1).default('dub').describe("Preset (the stage graph a job runs) when the job names none, e.g. 'dub'."),
  targetLanguages: z.array(languageCode).min(1).default(['es'])
    .describe('Languages to dub or subtitle into, as ISO 639 codes.'),
  sourceLanguage: z.union([z.literal('auto'), languageCode], { error: "expected 'auto' or an ISO 639 code such as 'es'" })
    .default('auto')
    .describe("Language spoken in the source media; 'auto' = decide it from the subtitle text, the audio and the tags."),
  sourceLanguageConfidence: z.number().min(0).max(1).default(0.8)
    .describe("With sourceLanguage 'auto': how sure content identification (subtitle text, audio) must be, 0-1, to overrule the audio stream's language tag."),
  mode: outputMode.default('mux')
    .describe("'mux' writes a new file with the added tracks; 'sidecar' writes separate audio/subtitle files named after the source; 'inplace' replaces the source file."),
  outDir: fsPath().default('').describe("Folder for results. '' = next to the source file."),
  preferSubtitles: z.boolean().default(true)
    .describe('Use subtitles already in the media as the source text instead of speech recognition, when present.'),
  forceInplaceHardlinked: z.boolean().default(false)
    .describe("Let 'inplace' mode replace files that have other hard links (e.g. a torrent client's copy); off by default because it breaks seeding."),
  defaultAudio: z.enum(['original', 'dub']).default('original')
    .describe("The audio track players start with; every output has exactly one. 'original': the source's default track (when it has none, the track the dub was made from); 'dub': the first dubbed track."),
  subtitleFormats: z.array(z.enum(SUBTITLE_OUTPUT_FORMATS)).min(1).default([...DEFAULT_SUBTITLE_FORMATS])
    .refine((l) => new Set(l).size === l.length, 'list each format once')
    .describe("Subtitle files written beside the video for each target language and for the source language's transcript, and (the first of ass, srt, vtt chosen) embedded in MKV: 'srt', 'vtt' (WebVTT) and 'ass' (styled: the language's style, a colour per speaker). MP4 embeds mov_text either way."),
  defaultSubtitle: z.enum(['none', 'dub']).default('none')
    .describe("'none': no subtitle track dubarr adds is default, so players show subtitles only when asked; 'dub': the first translated subtitle track is the only default one."),
});

const providers = z.strictObject({
  preference: z.record(capability, z.array(pluginName))
    .default({
      vad: ['silero-vad', 'energy-vad'],
      'source-text': ['subtitles', 'whisper', 'pocketsphinx'],
      transcribe: ['whisper', 'pocketsphinx'],
      'identify-language': ['whisper'],
      translate: ['marian', 'nllb', 'apertium'],
      synthesize: ['piper', 'kokoro', 'espeak-ng'],
      separate: ['separate'],
      diarize: ['diarize'],
      'identify-speakers': ['diarize'],
      // The film and podcast presets' pictures and music: local unless the user puts a cloud model first.
      video: ['still-video'],
      music: ['synth-bed'],
    })
    .describe('Plugins to try per capability, best first; the first one available for the language pair is used.'),
});

const plugins = z.strictObject({
  dirs: z.array(fsPath()).default([]).describe('Extra folders searched for external plugins, besides the built-in ones.'),
  options: z.record(pluginName, z.record(z.string(), z.unknown())).default({})
    .describe("Options per plugin name, validated by that plugin (a key it does not have is an error), e.g. { espeak-ng: { rate: 160 } }. Put secrets (apiKey) in env vars."),
});

/** A glob in picomatch's syntax, matched against paths relative to a watched folder: one written as a full path would never match. */
const globPattern = z.string().min(1)
  .refine((g) => !g.startsWith('/') && !g.split('/').includes('..'), {
    message: "relative to the watched folder, without '..': e.g. 'Movies/**' or '**/*sample*', not '/media/Movies/**'",
  });

/** One watched folder; also the settings of a backfill outside every watched folder (its defaults). */
export const watchFolder = z.strictObject({
  path: fsPath('Folder to watch (recursively).'),
  targetLanguages: z.array(languageCode).min(1).optional().describe('Overrides pipeline.targetLanguages for this folder.'),
  preset: z.string().min(1).optional().describe('Overrides pipeline.preset for this folder.'),
  mode: outputMode.optional().describe('Overrides pipeline.mode for this folder.'),
  outDir: fsPath().optional().describe('Overrides pipeline.outDir for this folder.'),
  include: z.array(globPattern).default([])
    .describe("Glob patterns, relative to the folder ('Movies/**', '**/*.mkv'): when any are given, only media files matching one are looked at. Empty = every media file (watch.extensions)."),
  exclude: z.array(globPattern).default([])
    .describe("Glob patterns, relative to the folder, of media files never looked at ('**/Extras/**', '**/*sample*')."),
  skipIfPresent: z.boolean().default(true)
    .describe('Skip a file that already has, in every target language, an audio track (by its language tag; commentary and audio description do not count), an audio sidecar (Movie.es.mka) or a dubbed version (Movie - dub es.mkv).'),
  minAgeSeconds: z.number().nonnegative().default(0)
    .describe('Seconds since a file was last modified before it is looked at, on top of stabilitySeconds (e.g. 600 for a folder a slow tool writes into in bursts).'),
  stabilitySeconds: z.number().nonnegative().default(5)
    .describe("Seconds a file's size and modification time must stay the same, checked several times a second, before it counts as complete; a copy or download in progress keeps changing them."),
  poll: z.boolean().default(false)
    .describe('Look for changes by polling (every watch.pollIntervalSeconds) instead of file-system events, which network shares (NFS, SMB/CIFS) and some container mounts do not deliver.'),
});

const watch = z.strictObject({
  enabled: z.boolean().default(true).describe('Queue a job for each new media file that appears in the watched folders.'),
  folders: z.array(watchFolder).prefault([{ path: './data/watch' }]).describe('Watched folders, each with its own settings.'),
  extensions: z.array(z.string().regex(/^[a-z0-9]+$/i, "a file extension without the dot, e.g. 'mkv'"))
    .default(['mkv', 'mp4', 'm4v', 'mov', 'avi', 'webm', 'ts', 'm2ts'])
    .describe('File extensions (without the dot) that count as media.'),
  pollIntervalSeconds: z.number().positive().default(10)
    .describe('How often folders with poll: true are polled for changes, in seconds.'),
  rescanMinutes: z.number().nonnegative().default(60)
    .describe('Every so many minutes every watched folder is walked again, as a backstop for changes the watcher missed (events a share dropped, a .dubarrignore removed, retries that came due). 0 = only at start.'),
  retry: z.strictObject({
    maxAttempts: positiveInt().default(4).describe('Jobs queued for one content of a file before its failures are given up on (until the file changes).'),
    baseMinutes: z.number().nonnegative().default(15).describe('Minutes after a failed job before the file is queued again.'),
    factor: z.number().min(1).default(4).describe('Each further wait is this many times longer than the one before.'),
    maxMinutes: z.number().nonnegative().default(1440).describe('Longest wait, in minutes.'),
  }).prefault({}).describe('A file whose job failed is queued again after min(maxMinutes, baseMinutes * factor^(attempts-1)), up to maxAttempts; permanent errors (no speech, no audio, unreadable, cancelled by you) wait until the file changes.'),
});

const notifyEvent = z.enum(['job.succeeded', 'job.failed', 'job.cancelled']);

const notify = z.strictObject({
  url: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default('')
    .describe("Where each finished job is POSTed as JSON ({event, job, file, outputs, languages, qa}); '' = no notifications."),
  secret: z.string().default('')
    .describe("Signs each notification: header X-Dubarr-Signature-256 is 'sha256=' + the hex HMAC-SHA256 of the body with this secret. '' = unsigned."),
  events: z.array(notifyEvent).default(['job.succeeded', 'job.failed'])
    .describe('Which job endings are sent: job.succeeded, job.failed, job.cancelled.'),
  timeoutMs: positiveInt().default(10_000).describe('How long one delivery may take before it counts as failed.'),
  retryDelaysSeconds: z.array(z.number().min(0)).default([10, 60, 300, 1800, 7200])
    .describe('Waits before each retry of a failed delivery (a network error, 408, 429 or 5xx; a Retry-After answer waits longer); when they run out the notification is dropped with a warning.'),
});

const models = z.strictObject({
  dir: fsPath().default('')
    .describe("Folder of downloaded models (one folder per model id). '' = <dataDir>/models."),
  hfEndpoint: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default('')
    .describe("Hugging Face mirror to download from. '' = the HF_ENDPOINT environment variable, else https://huggingface.co. hfToken (HF_TOKEN) is sent to it for gated models."),
  hfToken: z.string().default('')
    .describe("Hugging Face access token, sent (only to hfEndpoint) for gated models. '' = the HF_TOKEN environment variable. Keep it out of files: HF_TOKEN or DUBARR_MODELS_HF_TOKEN."),
  catalogue: fsPath().default('')
    .describe("A catalogue file of your own (the format of models/catalogue.yaml) whose models are added to the shipped ones; an entry with a shipped id replaces it. '' = the shipped catalogue only."),
  offline: z.boolean().default(false)
    .describe('Never touch the network: pulls are refused with E_MODELS_OFFLINE; models copied into dir by hand are used.'),
  maxResidentMb: z.union([z.literal('auto'), positiveInt()], { error: "expected 'auto' or a whole number >= 1" })
    .transform((v) => (v === 'auto' ? Math.floor(totalmem() / 2 / 1048576) : v))
    .prefault('auto')
    .describe('Most megabytes of model sessions loaded at once across the worker pool; a stage that would pass it waits (retried with E_MODEL_MEMORY). auto = half the machine\'s memory.'),
  executionProviders: z.array(z.enum(EXECUTION_PROVIDERS)).min(1)
    .refine((l) => new Set(l).size === l.length, 'each execution provider at most once')
    .default(['cpu'])
    .describe("ONNX Runtime execution providers neural providers try in order, unless their own executionProviders option says otherwise: tensorrt, cuda, cpu. The first that loads runs the model (a log line says which, and why the others did not). cuda and tensorrt need onnxruntime-node's GPU build (README, \"GPU\")."),
  threads: positiveInt().max(64).default(1)
    .describe('ONNX Runtime threads per model session, unless a provider\'s own threads option says otherwise. The worker pool already runs stages side by side: raise it when one neural stage at a time should use several cores.'),
  gpuConcurrency: positiveInt().default(1)
    .describe('Stages that may run models on the GPU (cuda, tensorrt) at once; the others wait for their turn, so two big models never fight over one GPU.'),
});

const unitPrices = z.strictObject(Object.fromEntries(COST_UNITS.map((u) => [u, z.number().min(0).optional()])) as Record<CostUnit, z.ZodOptional<z.ZodNumber>>);
const providerPrices = unitPrices.extend({
  products: z.record(z.string().min(1), unitPrices).default({})
    .describe("Prices of one product or model where they differ from the provider's ('dubbing', 'scribe_v1', a Replicate 'owner/model')."),
});

/** Every price a shipped cloud plugin bills by, in USD per unit: the vendors' list prices when written. */
const DEFAULT_PRICES = {
  deepl: { characters: 0.000025 },
  elevenlabs: { characters: 0.0003, audioSeconds: 0.000111, products: { dubbing: { audioSeconds: 0.008 } } },
  openai: { audioSeconds: 0.0001, characters: 0.000015, inputTokens: 0.00000015, outputTokens: 0.0000006 },
  replicate: { predictSeconds: 0.001 },
};

const budget = z.strictObject({
  perJob: z.number().positive().nullable().default(null)
    .describe('Most US dollars one job may spend on cloud providers; a step that would pass it fails with E_BUDGET_EXCEEDED before buying anything. null = no limit.'),
  perDay: z.number().positive().nullable().default(null)
    .describe('Most US dollars all jobs together may spend on cloud providers in a day (UTC); checked the same way before each purchase. null = no limit.'),
  prices: z.record(z.string().min(1), providerPrices).prefault(DEFAULT_PRICES)
    .describe('USD per unit, per provider (characters, audioSeconds, inputTokens, outputTokens, predictions, predictSeconds), optionally per product. Spending in a unit with no price is counted but not priced, and budgets cannot stop it. Set a local server\'s prices to 0.'),
});

/** Folders another program names by another path than dubarr does (a container's mounts, a NAS share). */
const pathMap = () => z.array(z.strictObject({
  from: z.string().min(1).describe("The folder as the other program names it, e.g. '/volume2/Media' or 'D:\\Media'."),
  to: fsPath('The same folder as dubarr sees it, e.g. /media.'),
})).default([]);

const hooks = z.strictObject({
  token: z.string().refine((t) => t === '' || t.trim().length >= 16, 'use at least 16 characters, e.g. the output of `openssl rand -hex 32`').default('')
    .describe("Secret every webhook request (/hooks/*) must carry, as ?token=... in its URL or the X-Dubarr-Token header. '' = webhooks are off (they answer 503). Keep it out of files: DUBARR_HOOKS_TOKEN."),
  pathMap: pathMap()
    .describe('How Sonarr, Radarr and /hooks/path callers name folders dubarr sees under another path (the longest matching from wins; paths that match none are used as sent).'),
  targetLanguages: z.array(languageCode).default([]).describe('Languages webhook jobs dub into. [] = pipeline.targetLanguages.'),
  preset: z.string().default('').describe("Preset of webhook jobs. '' = pipeline.preset."),
  mode: z.enum(['', ...outputMode.options]).default('').describe("Output mode of webhook jobs ('mux', 'sidecar', 'inplace'). '' = pipeline.mode."),
});

const mediaServer = z.strictObject({
  kind: z.enum(['jellyfin', 'plex', 'emby']).describe('Which server this is.'),
  url: z.url({ protocol: /^https?$/, error: "expected the server's http(s) address, e.g. http://jellyfin:8096" })
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'put the token in token, not in the address')
    .describe('Its address as dubarr reaches it, e.g. http://jellyfin:8096 (Emby: with /emby if it serves under it).'),
  token: z.string().min(1).describe('Jellyfin or Emby: an API key (Dashboard -> API Keys). Plex: the X-Plex-Token of the server owner.'),
  pathMap: pathMap().describe('How this server names folders dubarr sees under another path, both ways: its item paths become ours, and ours become its when asking it to refresh.'),
});

export const configSchema = z.strictObject({
  dataDir: fsPath().default('./data').describe('Folder for everything dubarr writes unless told otherwise (database, cache, work files).'),
  server: server.prefault({}).describe('HTTP server.'),
  log: log.prefault({}).describe('Logging.'),
  database: database.prefault({}).describe('Job store.'),
  cache: cache.prefault({}).describe('Stage result cache.'),
  workers: workers.prefault({}).describe('Worker thread pool for CPU-heavy stages.'),
  jobs: jobs.prefault({}).describe('Jobs.'),
  stages: stages.prefault({}).describe('Limits, timeouts and retries of pipeline stages.'),
  pipeline: pipeline.prefault({}).describe('What a job does when it does not say otherwise.'),
  providers: providers.prefault({}).describe('Choice of plugin per capability.'),
  plugins: plugins.prefault({}).describe('Plugin discovery and per-plugin options.'),
  watch: watch.prefault({}).describe('Watched folders.'),
  notify: notify.prefault({}).describe('A webhook told about every finished job.'),
  models: models.prefault({}).describe('Neural models: where they live, where they are downloaded from, how much may be loaded.'),
  budget: budget.prefault({}).describe('What cloud providers cost and the most jobs may spend on them.'),
  hooks: hooks.prefault({}).describe('Webhooks from Sonarr, Radarr, Jellyfin, Plex, Emby and scripts (/hooks/*).'),
  mediaServers: z.array(mediaServer).default([])
    .describe('Jellyfin, Plex and Emby servers: asked which file a webhook item is, and told to refresh a file dubarr has dubbed.'),
}).describe('dubarr configuration');

/** The validated configuration as the rest of dubarr sees it: read-only all the way down. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;
/** What a config file (or any other layer) may contain. */
export type ConfigInput = z.input<typeof configSchema>;

/** Lists of objects (watch.folders) take partial items too: the schema fills in their defaults. */
export type DeepPartial<T> = T extends readonly (infer U)[] ? ReadonlyArray<DeepPartial<U>>
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> }
  : T;

/**
 * The schema's defaults, as written: relative paths not yet resolved and '' paths not yet
 * derived. Use loadConfig() for a config to run with; this is the base layer it starts from.
 */
export function defaultConfig(): Config {
  return deepFreeze(configSchema.parse({}));
}
