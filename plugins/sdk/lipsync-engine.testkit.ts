/**
 * A local lip-sync engine for tests: it "re-renders" a span by inverting its colours (ffmpeg's
 * negate) and returns it with the span's dub as its sound, as a real engine returns a talking-head
 * video. Frames inside the spans are then visibly the engine's and those outside visibly not, so
 * a test can tell which frames went through the engine and which were copied.
 */
import { join } from 'node:path';
import { runTool } from './child-process.js';
import type { LipsyncEngine, LipsyncSpan } from './video-splice.js';

/** Like the models' own writers (OpenCV, imageio), the result says nothing of its colour: the splice must restore it. */
const LOSES_COLOUR = 'setparams=color_primaries=unknown:color_trc=unknown:colorspace=unknown';

export interface RecordingEngine {
  engine: LipsyncEngine;
  /** The spans it was given, in order. */
  calls: LipsyncSpan[];
}

export function invertingEngine(o: { dropLastFrames?: number } = {}): RecordingEngine {
  const calls: LipsyncSpan[] = [];
  const engine: LipsyncEngine = async (span, signal) => {
    calls.push(span);
    const out = join(span.dir, 'engine-out.mp4');
    // dropLastFrames: an engine whose output is a little short (its own frame rounding).
    const trim = o.dropLastFrames ? [`trim=end_frame=${Math.max(1, Math.round(((span.endMs - span.startMs) / 40)) - o.dropLastFrames)}`] : [];
    await runTool({
      binary: 'ffmpeg', tool: 'ffmpeg', install: 'apt-get install ffmpeg', failureHint: 'test engine', signal,
      args: ['-nostdin', '-y', '-v', 'error', '-i', span.video, '-i', span.audio, '-map', '0:v', '-map', '1:a', '-vf', ['negate', ...trim, LOSES_COLOUR].join(','),
        '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', out],
    });
    return out;
  };
  return { engine, calls };
}
