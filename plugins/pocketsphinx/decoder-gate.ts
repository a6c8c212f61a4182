/**
 * For tests: a stand-in decoder binary (the plugin's `binary` option) that stops at a gate
 * before it becomes the real pocketsphinx. Each decoder the stage starts announces itself
 * and waits until the test releases it, so a test can look at the decoders that run at once
 * knowing none of them can finish first, however loaded the machine is.
 *
 * The stand-in is a shell script that makes a named pipe `<pid>.hold` in the gate folder and
 * opens it to read, which blocks until the test opens it to write; then it execs the real
 * decoder with the same arguments (same process, same command line in /proc).
 */
import { chmod, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PocketsphinxOptions } from './options.js';

export interface HeldDecoder {
  /** Lets this decoder through to the real pocketsphinx. */
  release(): Promise<void>;
}

export interface DecoderGate {
  /** The path to pass as the `binary` option. */
  binary: string;
  /** Resolves when the next decoder (one not returned before) waits at the gate. */
  next(): Promise<HeldDecoder>;
  /** Stops watching and removes the gate folder (decoders still held are the caller's to cancel). */
  close(): Promise<void>;
}

export async function decoderGate(): Promise<DecoderGate> {
  // "pocketsphinx" in the path: a held decoder is counted among a work dir's decoders.
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-pocketsphinx-gate-'));
  const binary = join(dir, 'gated-decoder.sh');
  await writeFile(binary, [
    '#!/bin/sh',
    `hold="${dir}/$$.hold"`,
    'mkfifo "$hold" || exit 97',
    ': < "$hold"',
    'rm -f "$hold"',
    `exec ${PocketsphinxOptions.parse({}).binary} "$@"`,
    '',
  ].join('\n'));
  await chmod(binary, 0o755);

  // Every change in the folder bumps the generation; next() re-reads the folder after each.
  let generation = 0;
  let changed: () => void = () => {};
  const watcher: FSWatcher = watch(dir, () => { generation++; changed(); });
  const seen = new Set<string>();
  return {
    binary,
    async next() {
      for (;;) {
        const at = generation;
        const fresh = (await readdir(dir)).find((f) => f.endsWith('.hold') && !seen.has(f));
        if (fresh) {
          seen.add(fresh);
          return {
            async release() {
              // Opening the write end completes the decoder's blocked open; closing it gives EOF.
              const fd = await open(join(dir, fresh), 'w');
              await fd.close();
            },
          };
        }
        if (generation === at) await new Promise<void>((r) => { changed = r; });
      }
    },
    async close() {
      watcher.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
