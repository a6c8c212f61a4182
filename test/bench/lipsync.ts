/**
 * `npm run bench -- lipsync`: what the media half of lip-sync costs on a 60 s 1280x720 H.264
 * clip (keyframe every 2 s), wall time, against a baseline measured in the same run:
 *  - face sampling: frames decoded by the addon (a seek each) and run through the tiny UltraFace
 *    stand-in, per sample (the real detector adds a few ms a frame on a CPU);
 *  - the splice with an engine that hands its span back unchanged (so only dubarr's own work is
 *    timed: cut, conform re-encode of the spans, join) for spans covering 10 % of the clip,
 *    against re-encoding the whole stream with the same x264 settings, which is what a splice
 *    at keyframes avoids.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openFaceDetector } from '../../plugins/sdk/face-detector.js';
import { facesInLines } from '../../plugins/sdk/face-sampling.js';
import { spliceSpans } from '../../plugins/sdk/video-splice.js';
import { generate, toneWav } from '../fixtures/media.js';
import { buildTinyModel } from '../fixtures/tiny-models.js';

const run = promisify(execFile);
const SECONDS = 60;

const clip = () => generate('lipsync-bench-720p', [
  '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${SECONDS}`,
  '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-bf', '2',
], 'mp4');

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

export default async function bench(): Promise<void> {
  const source = await clip();
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-bench-lipsync-'));
  try {
    const detector = await openFaceDetector(join(await buildTinyModel('ultraface_tiny.py'), 'version-RFB-320.onnx'));
    const lines = Array.from({ length: 20 }, (_, i) => ({ id: `l${i}`, startMs: i * 3000 + 500, endMs: i * 3000 + 2500 }));
    const flag = new Int32Array(1);
    const [faces, sampleMs] = await timed(() => facesInLines(source, lines, detector, { threshold: 0.7, perSecond: 2 }, { signal: new AbortController().signal, cancelFlag: flag }));
    const samples = faces.reduce((n, f) => n + f.samples, 0);
    console.log(`face sampling: ${samples} frames in ${sampleMs.toFixed(0)} ms, ${(sampleMs / samples).toFixed(1)} ms a frame`);

    const spans = [{ startMs: 10_000, endMs: 12_000 }, { startMs: 30_000, endMs: 32_000 }, { startMs: 50_000, endMs: 52_000 }];
    const dub = await toneWav(440, SECONDS);
    const [, spliceMs] = await timed(() => spliceSpans({
      source, dub, spans, engine: async (span) => span.video, workDir: join(dir, 'splice'), signal: new AbortController().signal, crf: 18,
    }));
    const [, fullMs] = await timed(() => run('ffmpeg', ['-nostdin', '-y', '-v', 'error', '-i', source, '-map', '0:v', '-c:v', 'libx264', '-preset', 'medium', '-crf', '18', join(dir, 'full.mp4')]));
    console.log(`splice, spans 10 % of the clip: ${spliceMs.toFixed(0)} ms; whole stream re-encoded: ${fullMs.toFixed(0)} ms (${(spliceMs / fullMs).toFixed(2)} of it)`);
    console.log(`RESULT lipsync sample_ms_per_frame=${(sampleMs / samples).toFixed(1)} splice_ms=${spliceMs.toFixed(0)} full_reencode_ms=${fullMs.toFixed(0)} splice_vs_full=${(spliceMs / fullMs).toFixed(2)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
