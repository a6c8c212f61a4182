/**
 * Test support: stand-in models for the contract server, whose outputs are real media made by
 * ffmpeg at test time (a tone as long as the duration asked, a test-pattern clip), and the
 * plugin options that point at the server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generate } from '../../test/fixtures/media.js';
import type { ModelBehaviour, ReplicateContractServer } from './contract-server.testkit.js';

const execFileAsync = promisify(execFile);

export const MUSIC_VERSION = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const VIDEO_VERSION = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** The model clip: 320x180 at 24 fps, 2 s (shorter than some asked, longer than others). */
export const MODEL_CLIP = { width: 320, height: 180, fps: 24, seconds: 2 };

/** A MusicGen-like model: a 220 Hz tone (mono, 32 kHz WAV) lasting the `duration` input, seconds. */
export function musicModel(over: Partial<ModelBehaviour> = {}): ModelBehaviour {
  return {
    model: 'meta/musicgen',
    version: MUSIC_VERSION,
    inputs: ['prompt', 'duration', 'model_version', 'output_format', 'seed'],
    async output(input) {
      const seconds = Number(input.duration ?? 8);
      const wav = await generate(`replicate-tone-${seconds}`, ['-f', 'lavfi', '-i', `sine=frequency=220:sample_rate=32000:duration=${seconds}`, '-af', 'volume=0.5', '-ac', '1'], 'wav');
      return [{ name: 'out.wav', type: 'audio/wav', bytes: await readFile(wav) }];
    },
    ...over,
  };
}

/** A video model (MiniMax-like input names) returning the same 2 s test-pattern clip. */
export function videoModel(over: Partial<ModelBehaviour> = {}): ModelBehaviour {
  return {
    model: 'minimax/video-01',
    version: VIDEO_VERSION,
    inputs: ['prompt', 'prompt_optimizer', 'first_frame_image', 'subject_reference'],
    async output() {
      const { width, height, fps, seconds } = MODEL_CLIP;
      const mp4 = await generate('replicate-model-clip', ['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'], 'mp4');
      return [{ name: 'output.mp4', type: 'video/mp4', bytes: await readFile(mp4) }];
    },
    ...over,
  };
}

export const LIPSYNC_VERSION = '9e8d7c6b5a4f30291807f6e5d4c3b2a19e8d7c6b5a4f30291807f6e5d4c3b2a1';

/** A lip-sync model (LatentSync-like input names): the uploaded span's picture with its colours inverted, so a test sees which frames it made. */
export function lipsyncModel(over: Partial<ModelBehaviour> = {}): ModelBehaviour {
  return {
    model: 'bytedance/latentsync',
    version: LIPSYNC_VERSION,
    inputs: ['video', 'audio', 'guidance_scale', 'inference_steps', 'seed'],
    async output(_input, uploads) {
      const video = uploads[0];
      if (!video || !uploads[1]) throw new Error('a lip-sync prediction needs its video and its audio uploaded');
      const dir = await mkdtemp(join(tmpdir(), 'replicate-lipsync-'));
      try {
        const src = join(dir, video.name);
        await writeFile(src, video.bytes);
        const out = join(dir, 'synced.mp4');
        await execFileAsync('ffmpeg', ['-v', 'error', '-i', src, '-vf', 'negate', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an', out]);
        return [{ name: 'synced.mp4', type: 'video/mp4', bytes: await readFile(out) }];
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    ...over,
  };
}

/** Plugin options for the server: fast polls, small timeouts. */
export function serverOptions(server: ReplicateContractServer, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiKey: server.token, baseUrl: server.url, pollIntervalMs: 10, waitSeconds: 1, timeoutMs: 5000, ...over };
}
