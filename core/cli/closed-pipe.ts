/**
 * `dubarr jobs show X | head`: when the reader goes away, the next write to the pipe fails with
 * EPIPE, which Node reports as an unhandled 'error' event, a stack trace and a crash. Output
 * nobody reads is not a failure: once a stream's reader is gone, writes to it are dropped,
 * and the command goes on (a `dub` still finishes its job) and exits with its own code.
 * (The logger writes through pino, which already drops output on EPIPE.)
 */
/**
 * What a write to a stream whose reader is gone fails with: EPIPE for a pipe, ECONNRESET for a
 * socket, and, for writes still queued when Node destroyed the stream after the first error,
 * ERR_STREAM_DESTROYED.
 */
const READER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

export function dropWritesToClosedPipes(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (!READER_GONE.has(e.code ?? '')) throw e;
      stream.write = dropWrite as typeof stream.write;
    });
  }
}

function dropWrite(...args: unknown[]): boolean {
  const callback = args.find((a) => typeof a === 'function') as (() => void) | undefined;
  if (callback) process.nextTick(callback);
  return true;
}
