/**
 * separate:separate — the source's dialogue channels split into vocals and background (all
 * but the voice), for a mix that replaces the original voice instead of ducking it.
 *
 * The source is decoded at the model's rate as it is separated, chunk by chunk
 * (overlap-add.ts), and both stems are streamed into float WAV files on the video timeline
 * (sample 0 = the container's start, like every decode): memory is about two chunks of
 * audio and one model tensor, however long the film. Dialogue channels are those the mix puts
 * the dub in (plugins/sdk/channel-layout.ts): the front pair of a stereo source, the centre of
 * 5.1 (a mono channel goes through the stereo model as a pair and comes back averaged).
 */
import { openAudioStream, pcmSamples, type AudioStream } from '../../native/lib/index.js';
import { planChannels } from '../sdk/channel-layout.js';
import { DubarrError, defineStage, parseOptions, throwIfCancelled, type SeparatedAudio, type StageContext, type StageResult } from '../sdk/index.js';
import { openModel } from '../sdk/models.js';
import { MdxChunkModel } from './mdx-chunk-model.js';
import { separationModel } from './model-settings.js';
import { SeparateOptions } from './options.js';
import { OverlapAdd, type Finished } from './overlap-add.js';
import { readAudioStream, readMediaPath } from './source-input.js';
import { StemFiles } from './stem-files.js';

export default defineStage<unknown, SeparatedAudio>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(SeparateOptions, input, 'separate');
  const media = readMediaPath(input);
  const { audioStream, durationMs } = readAudioStream(input);
  const installed = await openModel(options.model, { task: 'separate', provider: 'separate' });
  const model = separationModel(installed);
  const chunker = await MdxChunkModel.open(model, {
    executionProviders: options.executionProviders, threads: options.threads, residentMb: installed.entry.residentMb, label: installed.id, log: ctx.log,
  });
  try {
    const stream = await openAudioStream(media, {
      stream: audioStream, sampleRate: model.settings.sampleRate, channels: 'original', format: 'f32', chunkSeconds: 1, signal: ctx.signal, cancelFlag: ctx.cancelFlag,
    });
    try {
      return await separateStream(stream, chunker, { modelId: installed.id, crossfadeMs: options.crossfadeMs, durationMs }, ctx);
    } finally {
      stream.close();
    }
  } finally {
    chunker.dispose();
  }
});

/** Decodes, separates and writes the stems; the stems' files are removed again on failure. */
async function separateStream(
  stream: AudioStream, chunker: MdxChunkModel, o: { modelId: string; crossfadeMs: number; durationMs?: number }, ctx: StageContext,
): Promise<StageResult<SeparatedAudio>> {
  const { settings } = chunker;
  const { info } = stream;
  const plan = planChannels(info.channelLayout, info.channels);
  const dialogue = plan.dub;
  const stems = await StemFiles.create(ctx.workDir, settings.sampleRate, dialogue.length);
  const expectedFrames = Math.max(1, Math.round((info.duration ?? (o.durationMs ?? 0) / 1000) * settings.sampleRate));
  let written = 0;
  let writeMs = 0;
  const t0 = performance.now();
  const ola = new OverlapAdd(chunker, Math.round((o.crossfadeMs * settings.sampleRate) / 1000), async (done: Finished) => {
    throwIfCancelled(ctx);
    const t = performance.now();
    await stems.write(done, settings.compensate, settings.primaryStem);
    writeMs += performance.now() - t;
    written += done.frames;
    ctx.progress(Math.min(0.99, written / expectedFrames));
  });
  try {
    const pair = [new Float32Array(0), new Float32Array(0)];
    for (let chunk = await stream.read(); chunk; chunk = await stream.read()) {
      throwIfCancelled(ctx);
      const frames = chunk.samples;
      if (pair[0]!.length < frames) { pair[0] = new Float32Array(frames); pair[1] = new Float32Array(frames); }
      pickDialogue(pcmSamples(chunk, 'f32') as Float32Array, info.channels, dialogue, frames, pair);
      await ola.push(pair, frames);
    }
    await ola.end();
  } catch (e) {
    await stems.abort();
    throw DubarrError.from(e);
  }
  const frames = await stems.finish();
  ctx.log.info({
    model: o.modelId, executionProvider: chunker.provider, chunks: ola.chunksRun, frames, totalMs: performance.now() - t0,
    sessionRunMs: chunker.timings.sessionRunMs, stftMs: chunker.timings.stftMs, overlapAddMs: ola.ownMs, writeMs,
  }, 'separation finished');
  ctx.progress(1);
  return {
    files: { vocals: stems.vocalsPath, background: stems.backgroundPath },
    data: {
      provider: 'separate',
      model: o.modelId,
      sampleRate: settings.sampleRate,
      channelLayout: plan.layout,
      channels: dialogue.map((c) => plan.names[c]!),
      frames,
      durationMs: Math.round((frames * 1000) / settings.sampleRate),
      chunks: ola.chunksRun,
      chunkFrames: chunker.frames,
      crossfadeFrames: ola.crossfade,
    },
  };
}

/** The dialogue channels of an interleaved block as the model's stereo pair (one channel twice). */
function pickDialogue(block: Float32Array, channels: number, dialogue: readonly number[], frames: number, pair: Float32Array[]): void {
  const left = dialogue[0]!;
  const right = dialogue[1] ?? left;
  const l = pair[0]!;
  const r = pair[1]!;
  for (let i = 0, k = 0; i < frames; i++, k += channels) {
    l[i] = block[k + left]!;
    r[i] = block[k + right]!;
  }
}
