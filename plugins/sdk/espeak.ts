/**
 * The espeak-ng program, shared by the providers that use it: espeak-ng speaks with it, and
 * the neural voices (piper, kokoro) turn text into phonemes with it (espeak-phonemes.ts).
 */
import { runTool } from './child-process.js';
import { engineTreeFingerprint, executableFingerprint } from './file-fingerprint.js';
import type { EngineFingerprint } from './plugin.js';

/** Runs espeak-ng once; an abort kills it at once. `stdin` is written to its standard input. */
export function runEspeak(binary: string, args: readonly string[], signal?: AbortSignal, timeoutMs?: number, stdin?: string): Promise<string> {
  return runTool({
    binary, args, signal, timeoutMs, stdin, tool: 'espeak-ng', install: 'apt-get install espeak-ng',
    failureHint: 'Run `espeak-ng --voices` to check the install; reinstalling espeak-ng-data usually fixes missing data.',
  });
}

/** `espeak-ng --version` per binary build: "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/.../espeak-ng-data". */
const versions = new Map<string, { build: string; info: Promise<{ version: string; dataDir: string }> }>();

export function parseVersion(out: string): { version: string; dataDir: string } {
  const m = /text-to-speech:\s*(\S+)\s+Data at:\s*(.+?)\s*$/m.exec(out);
  if (!m) throw new Error(`unexpected espeak-ng --version output: ${out.trim().slice(0, 200)}`);
  return { version: m[1]!, dataDir: m[2]! };
}

/**
 * What espeak-ng's output depends on: its build and its voice data (phoneme tables,
 * dictionaries, voices), so an espeak-ng or espeak-ng-data upgrade redoes what it made
 * and nothing else does.
 */
export async function espeakEngine(binary: string): Promise<EngineFingerprint> {
  const build = await executableFingerprint(binary);
  let hit = versions.get(binary);
  if (hit?.build !== build) {
    hit = { build, info: runEspeak(binary, ['--version'], undefined, 4000).then(parseVersion) };
    versions.set(binary, hit);
    hit.info.catch(() => versions.delete(binary));
  }
  const { version, dataDir } = await hit.info;
  return { espeak: version, binary: build, data: await engineTreeFingerprint(dataDir) };
}
