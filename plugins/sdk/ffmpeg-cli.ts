/**
 * The ffmpeg command-line tool, for the generation steps that render pictures into video and
 * build filter graphs (still clips, a music bed, the assembled film) where the native addon's
 * operations (decode, encode audio, mux existing streams) do not reach.
 */
import { runTool } from './child-process.js';
import { executableFingerprint } from './file-fingerprint.js';
import type { Availability, EngineFingerprint } from './plugin.js';

const INSTALL = 'apt-get install ffmpeg';

export function runFfmpeg(binary: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  return runTool({
    binary, args: ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], tool: 'ffmpeg', install: INSTALL,
    failureHint: 'Check that the ffmpeg build has libx264 and the AAC encoder (ffmpeg -encoders).', signal,
  });
}

/** Available when the binary runs and can encode H.264 (libx264). */
export async function ffmpegAvailability(binary: string): Promise<Availability> {
  try {
    const encoders = await runTool({ binary, args: ['-hide_banner', '-encoders'], tool: 'ffmpeg', install: INSTALL, failureHint: '' });
    if (!/\blibx264\b/.test(encoders)) return { ok: false, reason: `${binary} has no libx264 encoder: install an ffmpeg build with it (Debian's ffmpeg has it)` };
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `ffmpeg does not run (${(e as Error).message}): ${INSTALL}` };
  }
}

export async function ffmpegEngine(binary: string): Promise<EngineFingerprint> {
  return { ffmpeg: await executableFingerprint(binary) };
}
