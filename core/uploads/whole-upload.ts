import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Upload } from '@tus/server';
import type { FileStore } from '@tus/file-store';

/** What the writer of a whole upload reports: the client's file name, if it gave one (kept as tus metadata `filename`). */
export interface WrittenUpload { filename?: string }

/**
 * Stores a file that arrives whole in one request (a multipart `POST /api/jobs`) as a tus upload,
 * so that from then on it is just another upload: `finishedUpload` probes it and
 * `uploadAsJobInput` links it, as for one sent with tus. It is one in every state: while `write`
 * streams the bytes into `<dir>/<id>` it is an unfinished upload of deferred length (so if the
 * server dies meanwhile, the expiry cleanup removes it), and once `write` resolves its length is
 * what was written. If `write` throws, the upload is removed (file and metadata) and the error
 * rethrown. Returns the new upload's id.
 */
export async function storeWholeUpload(store: FileStore, write: (dir: string, name: string) => Promise<WrittenUpload>): Promise<string> {
  // As the library names uploads: 32 hex digits.
  const id = randomBytes(16).toString('hex');
  const upload = await store.create(new Upload({ id, offset: 0, size: undefined, metadata: {} }));
  const file = join(store.directory, id);
  try {
    const { filename } = await write(store.directory, id);
    const { size } = await stat(file);
    await store.configstore.set(id, new Upload({ id, offset: size, size, metadata: filename ? { filename } : {}, creation_date: upload.creation_date }));
    return id;
  } catch (e) {
    await rm(file, { force: true });
    await store.configstore.delete(id).catch(() => undefined);
    throw e;
  }
}
