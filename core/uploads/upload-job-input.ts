import { link, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { finishedUpload } from './finished-upload.js';

/** Where jobs' inputs from uploads live, inside the uploads folder: `<uploads>/files/<id>/<name>`. */
export const UPLOAD_FILES_DIR = 'files';

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
  const folder = join(dir, UPLOAD_FILES_DIR, upload.id);
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
