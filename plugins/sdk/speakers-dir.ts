/**
 * Where speaker libraries live (<dataDir>/speakers): one folder per series, one small file per
 * episode with its speakers' voice embeddings (plugins/diarize/library.ts). The runtime sets it on
 * its main thread, where the identify-speakers stage runs; unset (a test, a bare stage run), no
 * library is read or written.
 */
let current: string | undefined;

export function setSpeakersDir(dir: string | undefined): void {
  current = dir;
}

export function speakersDir(): string | undefined {
  return current;
}
