/**
 * mix:mix — the dubbed audio track. Lines are placed at their fitted positions on the video
 * timeline; the original is kept under them, lowered on the dub channels while they play
 * ('duck'), or with its voice taken out of them (background 'separate', from the separate
 * step), or dropped ('dub-only'); the dub's loudness is matched to the source's. Stereo
 * stays stereo, 5.1 stays 5.1 with the dub in the centre (see plugins/sdk/channel-layout.ts). The track is
 * rendered from timeline 0 and streamed into the encoder, so it lines up with the video at
 * offset 0 and memory stays flat for any length.
 */
import { join } from 'node:path';
import type { EncodeResult } from '../../native/lib/index.js';
import { DubarrError, defineStage, throwIfCancelled, type MixedTrack } from '../sdk/index.js';
import { planChannels, type ChannelPlan } from '../sdk/channel-layout.js';
import { loudnessWeight } from './channel-layout.js';
import { chooseCodec, TRACK_FILE, trackEncoding } from './codec.js';
import { DubPlayer, prepareDubClips } from './dub-clips.js';
import { DuckEnvelope } from './duck-envelope.js';
import { decideDubGain } from './loudness-plan.js';
import { PeakLimiter } from './peak-limiter.js';
import { renderTrack } from './render.js';
import { SourceAudio } from './source-audio.js';
import { measureSourceLoudness } from './source-loudness.js';
import { readExtract, readFit, readOptions, readSeparation, readSourcePath, type Separation } from './stage-inputs.js';
import { openTrackSink } from './track-encoder.js';
import { VoiceStream, withoutVoice } from './voice-removal.js';

const LIMITER_LOOKAHEAD_MS = 5;
const LIMITER_RELEASE_MS = 80;

export default defineStage<unknown, MixedTrack>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = readOptions(input);
  const { plan, files } = readFit(input);
  const media = readSourcePath(input);
  const extract = readExtract(input);
  if (plan.units.length === 0) {
    throw new DubarrError('E_NO_SPEECH', 'The fit plan has no dubbed lines, so there is no dub track to make; the source keeps its original audio only.');
  }
  const duck = options.mode === 'duck';
  const cancel = { signal: ctx.signal, cancelFlag: ctx.cancelFlag };
  const phase = (from: number, to: number) => ({ ...cancel, progress: (f: number) => ctx.progress(from + (to - from) * f) });

  // The decoder's view of the stream wins over the extract document's where they differ.
  const source = duck || options.loudnessMatch ? await SourceAudio.open(media, extract.audioStream, cancel) : null;
  const info = source?.info;
  source?.close();
  const sampleRate = info?.sampleRate ?? extract.sampleRate;
  const channels: ChannelPlan = planChannels(info?.channelLayout ?? extract.channelLayout, info?.channels ?? extract.channels);
  const startMs = info ? Math.round((info.streamStart - info.timelineStart) * 1000) : extract.startMs;
  if (Math.abs(startMs - extract.startMs) > 50) ctx.log.warn({ decoded: startMs, extract: extract.startMs }, 'the stream start differs from the extract document; the decoder\'s timeline is used');

  const measured = options.loudnessMatch
    ? await measureSourceLoudness(media, extract.audioStream, channels.names, phase(0, 0.25))
    : { lufs: null, frames: 0 };
  const dub = await prepareDubClips(plan.units, files, sampleRate, ctx.workDir, phase(0.25, 0.3));
  const loudness = decideDubGain({
    sourceLufs: measured.lufs,
    dubMonoLufs: dub.monoLufs,
    dubTruePeakDbtp: dub.truePeakDbtp,
    dubChannelWeights: channels.dub.map((c) => loudnessWeight(channels.names[c]!)),
    loudnessMatch: options.loudnessMatch,
    ceilingDbtp: options.ceilingDbtp,
  });

  const separation = duck && options.background === 'separate' ? usableSeparation(readSeparation(input), channels, ctx.log) : undefined;
  const frameOf = (ms: number) => Math.round((ms * sampleRate) / 1000);
  const player = new DubPlayer(dub.clips);
  const envelope = duck && !separation
    ? new DuckEnvelope(dub.clips.map((c) => ({ startFrame: c.startFrame, endFrame: c.startFrame + c.frames })), options.duckDb, frameOf(options.attackMs), frameOf(options.releaseMs))
    : null;
  const limiter = new PeakLimiter(channels.names.length, channels.dub, frameOf(LIMITER_LOOKAHEAD_MS), frameOf(LIMITER_RELEASE_MS));
  const codec = chooseCodec(options.codec, extract.container);
  const encoding = trackEncoding(codec, options, channels.layout, channels.names.length);
  const out = join(ctx.workDir, TRACK_FILE[codec]);
  const sink = await openTrackSink(ctx.workDir, out, { sampleRate, channels: channels.names.length, mask: channels.mask }, encoding, ctx.cancelFlag);

  let encoded: EncodeResult;
  let voice: VoiceStream | null = null;
  try {
    const original = duck ? await SourceAudio.open(media, extract.audioStream, cancel) : null;
    voice = separation ? await VoiceStream.open(separation.vocals, sampleRate, cancel) : null;
    await renderTrack({
      sampleRate,
      channels: channels.names.length,
      dubChannels: channels.dub,
      source: original && voice ? withoutVoice(original.blocks(), voice, channels.names.length, channels.dub) : original?.blocks() ?? null,
      minFrames: Math.max(frameOf(extract.durationMs), player.endFrame()),
      dubGain: 10 ** (loudness.gainDb / 20),
      envelope,
      player,
      limiter,
      ceiling: 10 ** (options.ceilingDbtp / 20),
      sink,
    }, phase(0.3, 1));
    encoded = await sink.finish();
  } catch (e) {
    voice?.close();
    await sink.abort();
    throw DubarrError.from(e);
  }
  const ducked = envelope?.regions();
  ctx.progress(1);
  return {
    files: { track: out },
    data: {
      mode: options.mode,
      background: !duck ? 'none' : separation ? 'separated' : 'ducked',
      ...(separation ? { separation: { model: separation.data.model, channels: separation.data.channels } } : {}),
      codec,
      encoder: encoded.codec,
      ...(encoding.bitrate ? { bitrate: encoding.bitrate } : {}),
      channels: encoded.channels,
      channelLayout: encoded.channelLayout,
      sampleRate: encoded.sampleRate,
      offsetMs: 0,
      durationMs: Math.round(encoded.durationSeconds * 1000),
      dubChannels: channels.dub.map((c) => channels.names[c]!),
      units: dub.clips.length,
      loudness,
      ducking: ducked ? {
        duckDb: options.duckDb, attackMs: options.attackMs, releaseMs: options.releaseMs,
        regions: ducked.count, duckedMs: Math.round((ducked.frames * 1000) / sampleRate),
      } : null,
      limiter: { ceilingDbfs: options.ceilingDbtp, ...limiter.stats() },
    },
  };
});

/**
 * The separation to lay the dub over, when there is one that fits; else undefined, and the mix
 * ducks the original as it would without mix.background: separate (said in the log).
 */
function usableSeparation(separation: Separation | undefined, channels: ChannelPlan, log: { warn(obj: object, msg: string): void }): Separation | undefined {
  if (!separation) {
    log.warn({ background: 'separate' }, 'mix.background is separate, but no separation ran (no separation model is installed? dubarr models pull mdx-net-voc-ft): the original is ducked instead');
    return undefined;
  }
  const dialogue = channels.dub.map((c) => channels.names[c]!);
  if (separation.data.channels.join('+') !== dialogue.join('+')) {
    log.warn({ separated: separation.data.channels, dialogue }, 'the separation holds other channels than the ones the dub goes to: the original is ducked instead');
    return undefined;
  }
  return separation;
}
