/**
 * Which dubbed lines show a face: a few frames inside each line (lipsync.samplesPerSecond), decoded
 * by the native addon, go through the face detector; a line shows a face when any of its frames
 * does. Only frames inside lines are decoded, so a film with sparse dialogue costs little.
 */
import { thumbnailSync } from '../../native/lib/index.js';
import { throwIfCancelled } from './errors.js';
import type { FaceDetectOptions, FaceDetector } from './face-detector.js';
import { FACE_INPUT } from './face-detector.js';
import { sampleTimes, type DubbedLine } from './lipsync-spans.js';

export interface LineFaces {
  id: string;
  /** Frames looked at, and how many of them showed a face. */
  samples: number;
  withFace: number;
}

export interface FaceSamplingContext {
  signal: AbortSignal;
  cancelFlag: Int32Array;
  progress?(fraction: number): void;
}

export async function facesInLines(
  video: string, lines: readonly DubbedLine[], detector: FaceDetector, o: FaceDetectOptions & { perSecond: number }, ctx: FaceSamplingContext,
): Promise<LineFaces[]> {
  const seen = new Map<number, boolean>(); // overlapping lines share frames
  const total = lines.reduce((n, l) => n + sampleTimes(l, o.perSecond).length, 0);
  let done = 0;
  const out: LineFaces[] = [];
  for (const line of lines) {
    let withFace = 0;
    const times = sampleTimes(line, o.perSecond);
    for (const ms of times) {
      throwIfCancelled(ctx);
      let face = seen.get(ms);
      if (face === undefined) {
        const frame = thumbnailSync(video, { time: ms / 1000, width: FACE_INPUT.width, cancelFlag: ctx.cancelFlag });
        face = (await detector.detect(frame.data, frame.width, frame.height, o)).length > 0;
        seen.set(ms, face);
      }
      if (face) withFace++;
      ctx.progress?.(++done / total);
    }
    out.push({ id: line.id, samples: times.length, withFace });
  }
  return out;
}
