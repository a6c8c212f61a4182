/**
 * The one table of coded errors. Every failure a user can see carries one of these codes;
 * `hint` says what to do next. `retryable` errors are retried with backoff by the scheduler,
 * all others fail the stage at once.
 */
export const ERROR_TABLE = {
  E_MEDIA_UNREADABLE: { status: 422, retryable: false, hint: 'Check that the file is a complete, playable media file.' },
  E_NO_AUDIO_STREAM: { status: 422, retryable: false, hint: 'The file has no audio track to dub; pick a file with audio.' },
  E_NO_VIDEO_STREAM: { status: 422, retryable: false, hint: 'The file has no video track, so there is no picture for a preview or thumbnail; pick a file with video.' },
  E_UNSUPPORTED_CODEC: { status: 422, retryable: false, hint: 'Install an FFmpeg build with this codec, or convert the file first.' },
  E_OUTPUT_WRITE: { status: 500, retryable: false, hint: 'Check free disk space and write permission on the output folder.' },
  E_OUTPUT_NOT_WRITABLE: { status: 422, retryable: false, hint: 'Make the folder named above writable for the user dubarr runs as, or choose another output folder (--out, pipeline.outDir or the watch folder\'s outDir), then submit the job again.' },
  E_OUTPUT_EXISTS: { status: 409, retryable: false, hint: 'Move or rename the existing file (dubarr never replaces a file it did not write), or use mux mode, then retry the job.' },
  E_CANCELLED: { status: 499, retryable: false, hint: 'The job was cancelled; retry it to run again.' },
  E_NO_PROVIDER: { status: 422, retryable: false, hint: 'Install or configure a provider for this step (see `dubarr plugins`).' },
  E_PROVIDER_UNAVAILABLE: { status: 503, retryable: false, hint: 'See `dubarr plugins` for why the provider is unavailable.' },
  E_PROVIDER_RATE_LIMITED: { status: 429, retryable: true, hint: 'The provider is rate limiting; the job retries with backoff.' },
  E_PROVIDER_AUTH: { status: 502, retryable: false, hint: 'The cloud provider refused the API key: check the plugin\'s apiKey (plugins.options.<name>.apiKey, or DUBARR_PLUGINS_OPTIONS_<NAME>__API_KEY) and that the key may use this API, then retry the job.' },
  E_PROVIDER_QUOTA: { status: 402, retryable: false, hint: 'The cloud provider\'s account is out of quota or credit: top it up or raise its limit in the vendor\'s console, or choose another provider for this step, then retry the job.' },
  E_BUDGET_EXCEEDED: { status: 402, retryable: false, hint: 'The step would pass a spending limit (budget.perJob or budget.perDay), so nothing was bought. Raise the limit, wait for the next day (UTC), or choose a local provider for this step, then retry the job: what was already bought is cached and not paid for again.' },
  E_PROVIDER_FAILED: { status: 502, retryable: true, hint: 'The provider failed; the job retries, then fails if it keeps failing.' },
  E_STAGE_TIMEOUT: { status: 504, retryable: true, hint: 'Raise the stage timeout (`stages.timeouts`) for long media or slow hardware.' },
  E_WORKER_CRASHED: { status: 500, retryable: true, hint: 'A worker thread died; the stage is retried in a fresh worker.' },
  E_NOT_APPLICABLE: { status: 200, retryable: false, hint: 'This provider does not apply to this input; the next provider is used.' },
  E_NO_SPEECH: { status: 422, retryable: false, hint: 'No speech was found in the audio, so there is nothing to dub.' },
  E_LANGUAGE_UNKNOWN: { status: 422, retryable: false, hint: 'Say which language the source is in: --from <code> (or pipeline.sourceLanguage).' },
  E_LANGUAGE_UNSUPPORTED: { status: 422, retryable: false, hint: 'Choose a language the installed providers support (see `dubarr plugins`).' },
  E_INPUT_NOT_FOUND: { status: 404, retryable: false, hint: 'Check the path; the file must exist and be readable by dubarr.' },
  E_INVALID_ARGUMENT: { status: 400, retryable: false, hint: 'Fix the argument named in the message.' },
  E_CONFIG_INVALID: { status: 400, retryable: false, hint: 'Fix the configuration keys listed above (config file or DUBARR_* variables).' },
  E_PLUGIN_INVALID: { status: 500, retryable: false, hint: 'The plugin does not follow the plugin contract; update or remove it.' },
  E_UPLOAD_NOT_FOUND: { status: 404, retryable: false, hint: 'No upload has this id (it was never made, was deleted, or expired unfinished): upload the file again to /uploads.' },
  E_UPLOAD_INCOMPLETE: { status: 409, retryable: false, hint: 'The upload has not received all its bytes yet: resume it (HEAD /uploads/<id> gives the offset, then PATCH the rest) and create the job once it is complete.' },
  E_JOB_NOT_FOUND: { status: 404, retryable: false, hint: 'List jobs with `dubarr jobs list`.' },
  E_JOB_STATE: { status: 409, retryable: false, hint: 'The job is not in a state that allows this action.' },
  E_ARTIFACT_NOT_FOUND: { status: 404, retryable: false, hint: 'List what the job made with GET /api/jobs/:id/artifacts; a file moved or pruned from the cache since is no longer offered.' },
  E_UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, hint: 'Send the request body as JSON (Content-Type: application/json), or where a file is taken as multipart/form-data.' },
  E_RANGE_NOT_SATISFIABLE: { status: 416, retryable: false, hint: 'Ask for a byte range inside the file; its size is in the Content-Range header.' },
  E_SWAP_UNRESOLVED: { status: 409, retryable: false, hint: 'An earlier in-place swap of this file was interrupted and dubarr cannot prove the file in place is whole, so it kept the backup of the original. Check the file in place, then either delete the backup or rename it over the file, as the message says, and retry the job.' },
  E_FILE_HARDLINKED: { status: 409, retryable: false, hint: 'The file has other hard links; use mux mode, or force in-place mode.' },
  E_TRANSIENT: { status: 503, retryable: true, hint: 'A temporary failure; the job retries with backoff.' },
  E_API_KEY_REQUIRED: { status: 401, retryable: false, hint: 'Send an API key as `Authorization: Bearer <key>` or `X-Api-Key: <key>`. Create one on the server with `dubarr keys create --name <name>`; keys are required when the server listens beyond 127.0.0.1 (or server.requireApiKey is true).' },
  E_HOST_NOT_ALLOWED: { status: 403, retryable: false, hint: 'Reach the server by its IP address or localhost, or add this host name to server.allowedHosts (e.g. the name a reverse proxy serves it under).' },
  E_PATH_NOT_ALLOWED: { status: 403, retryable: false, hint: 'Give an absolute path, without `..`, to a file inside one of server.mediaRoots (or upload the file); add the folder to server.mediaRoots on the server to allow it.' },
  E_QUERY_TOO_COMPLEX: { status: 400, retryable: false, hint: 'Ask for fewer nested fields, or fewer items per page (first:) and page with after:.' },
  E_REQUEST_TOO_LARGE: { status: 413, retryable: false, hint: 'Send a smaller request body (server.maxRequestBytes); upload media files through /uploads (tus) instead.' },
  E_UPLOAD_TOO_LARGE: { status: 413, retryable: false, hint: 'Send a smaller file, or raise server.maxUploadBytes on the server.' },
  E_HOOKS_OFF: { status: 503, retryable: false, hint: 'Webhooks are off until hooks.token is set: set it (config file, or DUBARR_HOOKS_TOKEN) to a long random string, e.g. the output of `openssl rand -hex 32`, restart dubarr, and put the same token in the webhook URL (?token=...).' },
  E_HOOK_TOKEN: { status: 401, retryable: false, hint: 'Send hooks.token in the webhook URL as ?token=<token>, or in the X-Dubarr-Token header (see "Use with Jellyfin / Plex / Emby / Sonarr / Radarr" in the README).' },
  E_MEDIA_SERVER: { status: 502, retryable: true, hint: 'Check that the media server is running and that mediaServers[].url and token are right: `dubarr doctor` checks each configured server.' },
  E_MEDIA_SERVER_UNKNOWN: { status: 422, retryable: false, hint: 'Add the server to mediaServers (kind, url, token) so dubarr can ask it which file the item is; `dubarr doctor` checks it.' },
  E_PORT_IN_USE: { status: 409, retryable: false, hint: 'Another program (perhaps another dubarr server) listens on this port: stop it, or choose another port with --port or server.port.' },
  E_MODEL_MISSING: { status: 422, retryable: false, hint: 'Download the model with `dubarr models pull <id>` (or on the web page), or choose another provider; `dubarr models list` shows what is installed.' },
  E_MODEL_CHECKSUM: { status: 502, retryable: false, hint: 'A model file does not match its checksum. A download that fails it is deleted: pull the model again. An installed model that fails `dubarr models verify`: remove it, then pull it again. If it keeps failing, the repository changed since the catalogue was written (report it).' },
  E_MODEL_DOWNLOAD: { status: 502, retryable: true, hint: 'The download failed (network, server error or a timeout); pull again: it resumes where it stopped.' },
  E_MODEL_AUTH: { status: 401, retryable: false, hint: 'The model\'s repository is gated or private: accept its licence on Hugging Face and set HF_TOKEN to a token of that account.' },
  E_MODELS_OFFLINE: { status: 409, retryable: false, hint: 'models.offline is true, so nothing is downloaded: copy the model folder into models.dir by hand, or set models.offline to false.' },
  E_MODEL_MEMORY: { status: 503, retryable: true, hint: 'Loading this model would pass models.maxResidentMb with the models already loaded; the stage retries once others are released. Raise models.maxResidentMb, lower stages.concurrency, or pick a smaller model.' },
  E_SCRIPT_INVALID: { status: 422, retryable: false, hint: 'Fix the script at the line named above (the README section "Film and podcast presets" describes the format), then submit the job again.' },
  E_INTERNAL: { status: 500, retryable: false, hint: 'This is a bug in dubarr; please report it with the job log.' },
} as const satisfies Record<string, { status: number; retryable: boolean; hint: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code);
}

/** Plain form that crosses worker and process boundaries and is stored with a failed job. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  stack?: string;
}

export class DubarrError extends Error {
  override readonly name = 'DubarrError';
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.details = opts.details;
  }

  get status(): number { return ERROR_TABLE[this.code].status; }
  get retryable(): boolean { return ERROR_TABLE[this.code].retryable; }
  get hint(): string { return ERROR_TABLE[this.code].hint; }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, details: this.details, stack: this.stack };
  }

  static fromJSON(e: SerializedError): DubarrError {
    const err = new DubarrError(isErrorCode(e.code) ? e.code : 'E_INTERNAL', e.message, { details: e.details });
    if (e.stack) err.stack = e.stack;
    return err;
  }

  /** Any thrown value as a DubarrError; unknown errors become E_INTERNAL with the cause kept. */
  static from(e: unknown): DubarrError {
    if (e instanceof DubarrError) return e;
    const any = e as { code?: unknown; message?: unknown; name?: unknown } | null;
    if (any && isErrorCode(any.code)) {
      const err = new DubarrError(any.code, String(any.message ?? any.code), { cause: e });
      if (e instanceof Error && e.stack) err.stack = e.stack;
      return err;
    }
    if (any?.name === 'AbortError') return new DubarrError('E_CANCELLED', 'Cancelled', { cause: e });
    const err = new DubarrError('E_INTERNAL', e instanceof Error ? e.message : String(e), { cause: e });
    if (e instanceof Error && e.stack) err.stack = e.stack;
    return err;
  }
}

/**
 * A stage's two views of one cancellation (a StageContext is one). In a worker thread the
 * runtime sets `cancelFlag` at once, with Atomics, but `signal` aborts only when the thread's
 * event loop turns and reads the pool's message: code that runs synchronously (a JS loop, a
 * sync native call) never sees the signal change, only the flag.
 */
export interface Cancellation {
  readonly signal: AbortSignal;
  readonly cancelFlag: Int32Array;
}

export function isCancelled(c: Cancellation): boolean {
  return c.signal.aborted || Atomics.load(c.cancelFlag, 0) !== 0;
}

/** Throws E_CANCELLED once the stage is cancelled; stages call it between units of work (pass ctx). */
export function throwIfCancelled(c: Cancellation): void {
  if (isCancelled(c)) throw new DubarrError('E_CANCELLED', 'Cancelled');
}
