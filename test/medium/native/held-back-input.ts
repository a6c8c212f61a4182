/**
 * A media file served through a named pipe that holds back everything after its first bytes
 * until the test releases it: an operation reading the pipe cannot reach the end of the input
 * before the test has done what it wanted mid-run (cancel), however fast the machine is.
 */
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface HeldBackInput {
  /** The pipe to pass as the operation's input. */
  path: string;
  /** Lets the rest of the file through (call it after cancelling). */
  release(): void;
  /** Stops feeding, closes and removes the pipe. */
  close(): Promise<void>;
}

/** `head` bytes of `source` go through at once: enough for the demuxer's probe and a first progress report. */
export function heldBackInput(source: string, dir: string, name: string, head = 8 << 20): HeldBackInput {
  const path = join(dir, `${name}.fifo`);
  execFileSync('mkfifo', [path]);
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  let stopped = false;
  let opened = false;
  const feeding = (async () => {
    // Opening for writing waits (on a libuv thread) until the operation opens the pipe to read.
    const out = await open(path, 'w');
    opened = true;
    const src = await open(source, 'r');
    try {
      const buf = Buffer.alloc(1 << 16);
      for (let pos = 0; !stopped;) {
        if (pos >= head) await released;
        const { bytesRead } = await src.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) return;
        await out.write(buf, 0, bytesRead);
        pos += bytesRead;
      }
    } catch (e) {
      // The reader went away (the operation ended): EPIPE is how a pipe says so.
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
    } finally {
      await src.close();
      await out.close().catch(() => {});
    }
  })();
  return {
    path,
    release,
    async close() {
      stopped = true;
      release();
      // An operation that failed before opening the pipe leaves the feeder waiting for a
      // reader: be that reader (it stops at once, having been told to).
      const unblock = opened ? undefined : await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
      await feeding;
      await unblock?.close();
      await rm(path, { force: true });
    },
  };
}
