/**
 * synth-bed:music — the music step offline: a chord pad (or silence) exactly as long as the
 * plan asks, brought to its integrated loudness (measured by ffmpeg's EBU R128 meter, then one
 * gain), 48 kHz stereo WAV. A plan at -70 LUFS or below, or with no prompt, asks for silence.
 */
import { join } from 'node:path';
import { asksForSilence, MusicPlanSchema, defineStage, parseOptions, requireDocument, throwIfCancelled, type GeneratedMusic } from '../sdk/index.js';
import { runFfmpeg } from '../sdk/ffmpeg-cli.js';
import { writeWav } from '../sdk/wav.js';
import { chordPad } from './chord-pad.js';
import { SynthBedOptions } from './options.js';

const RATE = 48_000;

export default defineStage<unknown, GeneratedMusic>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(SynthBedOptions, input, 'synth-bed');
  const plan = requireDocument(MusicPlanSchema, input, 'plan', 'a MusicPlan', 'synth-bed:music');
  const frames = Math.round((plan.durationMs * RATE) / 1000);
  const music = join(ctx.workDir, 'music.wav');
  const silent = options.sound === 'silence' || asksForSilence(plan);
  if (silent) {
    await writeWav(music, { sampleRate: RATE, channels: [new Float32Array(frames), new Float32Array(frames)] });
    return { files: { music }, data: { durationMs: plan.durationMs, made: 'silence' } };
  }
  const channels = chordPad(frames, RATE, options.chordSeconds);
  await writeWav(music, { sampleRate: RATE, channels }, 'f32');
  ctx.progress(0.5, 'measuring loudness');
  throwIfCancelled(ctx);
  const measured = await integratedLoudness(options.ffmpeg, music, ctx.signal);
  const gain = 10 ** ((plan.loudnessLufs - measured) / 20);
  for (const c of channels) for (let i = 0; i < c.length; i++) c[i]! *= gain;
  await writeWav(music, { sampleRate: RATE, channels });
  ctx.progress(1);
  return { files: { music }, data: { durationMs: plan.durationMs, made: 'synthesized' } };
});

/** EBU R128 integrated loudness of a file, LUFS: ffmpeg's meter, its last running value. */
export async function integratedLoudness(ffmpeg: string, file: string, signal: AbortSignal): Promise<number> {
  const out = await runFfmpeg(ffmpeg, ['-i', file, '-af', 'ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.I:file=-', '-f', 'null', '-'], signal);
  const values = [...out.matchAll(/lavfi\.r128\.I=(-?[\d.]+|-inf)/g)].map((m) => Number(m[1]));
  const last = values.at(-1);
  return last !== undefined && Number.isFinite(last) ? last : -70;
}
