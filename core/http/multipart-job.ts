/**
 * `POST /api/jobs` as multipart/form-data, for curl and scripts that have the file but no tus
 * client: `curl -F file=@Movie.mkv -F targetLanguages=es,ca -F preset=dub http://host/api/jobs`.
 * The file part streams into the uploads folder as an upload (`UploadServer.storeWhole`), and the
 * job is made from it as from any finished upload (probed, then linked into a folder of its own),
 * so every check and every later step is the tus path's. Text fields may come before or after the
 * file: the job is made once the whole body has arrived.
 */
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { CreateJobInput } from '../service/create-input.js';
import type { JobView } from '../service/job-view.js';
import type { JobsService } from '../service/jobs-service.js';
import type { UploadServer } from '../uploads/upload-server.js';
import { receiveMultipart } from './multipart-upload.js';

/** The form field that carries the file. */
export const JOB_FILE_FIELD = 'file';

/** What the door needs of the uploads: storing a whole file as an upload, and removing it. */
export type JobUploads = Pick<UploadServer, 'storeWhole' | 'remove'>;

export interface MultipartJobOptions {
  jobs: JobsService;
  uploads: JobUploads;
  /** server.maxUploadBytes (0 = no limit). */
  maxBytes: number;
  /** The metrics' upload-bytes counter. */
  countBytes?: (n: number) => void;
}

/** Fields that may be given more than once (and hold comma-separated lists); every other field is one value. */
const LIST_FIELDS = new Set(['targetLanguages', 'providers']);
const invalid = (message: string) => new DubarrError('E_INVALID_ARGUMENT', message);

/**
 * The form's text fields as the JSON body would have them: `targetLanguages=es,ca` (or repeated),
 * `providers=translate=apertium` (capability=provider, comma-separated or repeated), the others
 * as they are. `path` and `uploadId` are refused: the file part is the input.
 */
export function jobFields(fields: ReadonlyMap<string, readonly string[]>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, values] of fields) {
    if (name === 'path' || name === 'uploadId') throw invalid(`${name}: a multipart job's input is its '${JOB_FILE_FIELD}' part; send JSON to name a path or an upload`);
    if (!LIST_FIELDS.has(name)) {
      if (values.length > 1) throw invalid(`${name}: given ${values.length} times; give it once`);
      body[name] = values[0];
      continue;
    }
    const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    body[name] = name === 'providers' ? providerChoices(items) : items;
  }
  return body;
}

function providerChoices(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(item);
    if (!m) throw invalid(`providers: '${item}' is not capability=provider (e.g. translate=apertium)`);
    if (Object.hasOwn(out, m[1]!)) throw invalid(`providers: capability '${m[1]}' is named twice; give one provider per capability`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * Receives the form, stores its file as an upload and makes the job from it. The upload itself
 * is removed at the end, job or not: the job's input is a hard link of its own, and with the
 * upload gone its folder goes with the last job on it. `parse` checks the fields as the JSON
 * form's are checked.
 */
export async function createJobFromForm(
  req: Request, o: MultipartJobOptions & { parse(body: Record<string, unknown>): Omit<CreateJobInput, 'origin'> },
): Promise<JobView> {
  let fields: ReadonlyMap<string, readonly string[]> = new Map();
  const uploadId = await o.uploads.storeWhole(async (dir, name) => {
    const form = await receiveMultipart(req, { fileField: JOB_FILE_FIELD, dir, fileName: name, maxBytes: o.maxBytes });
    o.countBytes?.(form.file.size);
    fields = form.fields;
    return { filename: form.file.filename };
  });
  try {
    return await o.jobs.create({ ...o.parse(jobFields(fields)), uploadId, origin: 'api' });
  } finally {
    await o.uploads.remove(uploadId);
  }
}
