/**
 * For `npm run bench -- onnx` (test/bench/onnx.ts): the separate stage on its tiny band-split
 * model (test/fixtures/onnx/mdx_tiny.py) over a minute of generated stereo audio, and where the
 * time goes: inside session.run, in the STFT/iSTFT around it, in the chunking and overlap-add.
 * Never loaded by the runtime: it builds test fixtures (Debian's python3-onnx, ffmpeg).
 */
import { rm } from 'node:fs/promises';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';

export interface SeparateBench {
  /** The stage's own total (decode, model, STFT, overlap-add, writing the stems). */
  totalMs: number;
  /** Inside session.run. */
  sessionRunMs: number;
  /** STFT of each chunk and iSTFT of its residual. */
  stftMs: number;
  /** Chunk assembly and blending (OverlapAdd, besides the model and the stem files). */
  overlapAddMs: number;
  /** Overlap-add throughput: stereo samples per second of overlapAddMs. */
  samplesPerSecond: number;
  /** Samples separated, per channel. */
  frames: number;
}

export async function benchSeparate(seconds = 60): Promise<SeparateBench> {
  const { tinySeparationModels, voiceOverMusic } = await import('../../test/fixtures/separation.js');
  const { probeSync } = await import('../../native/lib/index.js');
  const models = await tinySeparationModels('mdx-identity-bench', 'mdx-band-bench');
  try {
    const media = await voiceOverMusic(seconds);
    const audio = probeSync(media).streams.find((s) => s.type === 'audio')!;
    const run = await runStageForTest(findStage(plugin, 'separate'), {
      options: { model: models.band }, inputs: { source: outputOf({ media }), extract: outputOf({}, { audioStream: audio.index }) },
    });
    await rm(run.workDir, { recursive: true, force: true });
    const log = run.logs.find((l) => l.msg === 'separation finished')!.obj as Record<string, number>;
    return {
      totalMs: log.totalMs!, sessionRunMs: log.sessionRunMs!, stftMs: log.stftMs!, overlapAddMs: log.overlapAddMs!,
      samplesPerSecond: log.frames! / (log.overlapAddMs! / 1000), frames: log.frames!,
    };
  } finally {
    await rm(models.root, { recursive: true, force: true });
  }
}
