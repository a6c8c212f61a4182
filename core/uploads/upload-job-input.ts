import { access, link, mkdir, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { finishedUpload, UPLOAD_ID } from './finished-upload.js';

/** Where jobs' inputs from uploads live, inside the uploads folder: `<uploads>/files/<id>/<name>`. */
export const UPLOAD_FILES_DIR = 'files';

/**
 * Whether a job still uses the folder of upload `uploadId`'s job input (`folder`): the jobs
 * service answers (a job's row has its input there, or a job is being made from the upload).
 */
export type UploadInUse = (uploadId: string, folder: string) => boolean;

/**
 * The file a job on a finished upload reads: the upload hard-linked under the name the client
 * gave it (`<uploads>/files/<id>/Movie.mkv`), so the job's outputs, written beside their input,
 * are named after the client's file (`Movie - dub es.mkv`) and stay in a folder of their own,
 * which deleting the job may clean (the uploads folder is dubarr's). The link keeps the data
 * when the tus upload itself is deleted or expires. A second job on the same upload reuses it.
 * Throws what finishedUpload throws for an unknown, unfinished or unreadable upload.
 */
export async function uploadAsJobInput(dir: string, id: string): Promise<string> {
  const upload = await finishedUpload(dir, id);
  const folder = jobInputFolder(dir, upload.id);
  const path = join(folder, upload.filename ?? upload.id);
  await mkdir(folder, { recursive: true });
  try {
    await link(upload.path, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const [a, b] = await Promise.all([stat(upload.path), stat(path)]);
    if (a.ino !== b.ino || a.dev !== b.dev) {
      throw new DubarrError('E_OUTPUT_EXISTS', `${path} exists and is not upload ${upload.id}; remove it to use the upload`);
    }
  }
  return path;
}

/** `<uploads>/files/<id>`: the folder of the job input made from upload `id`. */
export function jobInputFolder(dir: string, id: string): string {
  return join(dir, UPLOAD_FILES_DIR, id);
}

/** The upload whose job-input folder holds `input` (a job's input path), if it lies in one. */
export function uploadOfJobInput(dir: string, input: string): string | undefined {
  const parts = relative(join(dir, UPLOAD_FILES_DIR), input).split(sep);
  return parts.length === 2 && UPLOAD_ID.test(parts[0]!) ? parts[0] : undefined;
}

/**
 * Removes upload `id`'s job-input folder (the input and the outputs written beside it) once
 * nothing needs it: the upload itself is gone (terminated, expired, or a multipart post's, which
 * is removed once its job exists) and no job uses it. Called when an upload is removed and when
 * a job on one is deleted, so the folder goes with whichever of them goes last. A job of any
 * status counts: a queued or running one reads its input, a failed one may be retried, a
 * finished one's artifacts are there. Returns whether a folder was removed.
 */
export async function removeUnusedJobInput(dir: string, id: string, inUse: UploadInUse): Promise<boolean> {
  if (!UPLOAD_ID.test(id)) return false;
  const folder = jobInputFolder(dir, id);
  if (!(await exists(folder)) || (await exists(join(dir, `${id}.json`))) || inUse(id, folder)) return false;
  await rm(folder, { recursive: true, force: true });
  return true;
}

const exists = (path: string) => access(path).then(() => true, () => false);
