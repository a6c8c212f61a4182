/**
 * What synthesized speech depends on besides the text and options: the espeak-ng build and
 * its voice data (phoneme tables, dictionaries, voices), so an espeak-ng or espeak-ng-data
 * upgrade re-synthesizes and nothing else does.
 */
import { engineTreeFingerprint, executableFingerprint, type EngineFingerprint } from '../sdk/index.js';
import { runEspeak } from './espeak-process.js';

/** `espeak-ng --version` per binary build: "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/.../espeak-ng-data". */
const versions = new Map<string, { build: string; info: Promise<{ version: string; dataDir: string }> }>();

export function parseVersion(out: string): { version: string; dataDir: string } {
  const m = /text-to-speech:\s*(\S+)\s+Data at:\s*(.+?)\s*$/m.exec(out);
  if (!m) throw new Error(`unexpected espeak-ng --version output: ${out.trim().slice(0, 200)}`);
  return { version: m[1]!, dataDir: m[2]! };
}

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
