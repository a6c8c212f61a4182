/**
 * What a stage cache key needs to know about the media engine: the addon binary (a rebuild
 * against new headers or with changed code gives another digest) and the libav* libraries this
 * process loaded (a system upgrade without a rebuild changes these, not the addon).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { addonPath, binding } from './binding.js';

let identity: Readonly<Record<string, string>> | undefined;

/** Computed once per process: the loaded libraries cannot change under a running process. */
export function nativeBuildIdentity(): Readonly<Record<string, string>> {
  if (!identity) {
    const { configuration, ...linked } = binding.linkedVersions();
    const digest = (b: string | Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 32);
    identity = Object.freeze({
      addon: digest(readFileSync(addonPath)),
      ffmpeg: binding.versions().ffmpeg ?? '',
      ...linked,
      configuration: digest(configuration ?? ''),
    });
  }
  return identity;
}
