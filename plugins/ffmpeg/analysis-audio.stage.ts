/**
 * The dub alone — its fitted clips placed on the timeline — as a 16 kHz mono analysis WAV, for
 * recognizing what the dub says (back-transcription in the QA report). The mixed track would
 * carry the ducked original under it, which a recognizer hears as well.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeToWavSync } from '../../native/lib/index.js';
import { FitPlan } from '../sdk/artifacts.js';
import { throwIfCancelled } from '../sdk/errors.js';
import { defineStage } from '../sdk/plugin.js';
import { requireDocument } from '../sdk/stage-input.js';
import { encodeWav, readWav } from '../sdk/wav.js';

const RATE = 16_000;

export default defineStage(async (input, ctx) => {
  const plan = requireDocument(FitPlan, input, 'fit', 'a FitPlan', 'ffmpeg:analysis-audio');
  const files = input.inputs.fit!.files;
  const out = join(ctx.workDir, 'dub-16k.wav');
  const fh = await open(out, 'w');
  try {
    // Header first with a placeholder size (readers take the file size then); clips in time order.
    await fh.write(encodeWav({ sampleRate: RATE, channels: [new Float32Array(0)] }));
    let written = 0;
    const units = [...plan.units].sort((a, b) => a.placedStart - b.placedStart);
    for (const [i, u] of units.entries()) {
      throwIfCancelled(ctx);
      const clip = join(ctx.workDir, `clip-${i}.wav`);
      decodeToWavSync(files[u.file]!, clip, { sampleRate: RATE, channels: 'mono', cancelFlag: ctx.cancelFlag });
      const samples = (await readWav(clip)).channels[0]!;
      const at = Math.round((u.placedStart * RATE) / 1000);
      const gap = Math.max(0, at - written);
      const body = samples.subarray(Math.max(0, written - at));
      const pcm = Buffer.alloc((gap + body.length) * 2);
      body.forEach((v, k) => pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), (gap + k) * 2));
      await fh.write(pcm);
      written += gap + body.length;
      ctx.progress((i + 1) / units.length);
    }
  } finally {
    await fh.close();
  }
  return { files: { audio: out } };
});
