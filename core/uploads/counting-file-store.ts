import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';

/**
 * The library's file store, reporting every byte it is handed for writing (the metrics'
 * upload-bytes counter). It counts in `write` because that is where PATCH and
 * creation-with-upload bodies meet, after the library's size limiter.
 */
export class CountingFileStore extends FileStore {
  constructor(o: { directory: string; expirationPeriodInMilliseconds: number; onBytes?: (n: number) => void }) {
    super(o);
    this.onBytes = o.onBytes;
  }

  private readonly onBytes?: (n: number) => void;

  override write(readable: Readable, id: string, offset: number): Promise<number> {
    const onBytes = this.onBytes;
    // A second 'data' listener only observes: the pipe that super.write() attaches in this same
    // tick (before any chunk can flow) pauses and resumes the stream for both listeners.
    if (onBytes) readable.on('data', (chunk: Buffer) => onBytes(chunk.length));
    return super.write(readable, id, offset);
  }
}
