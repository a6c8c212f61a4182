/**
 * elevenlabs:dubbing — the whole dub of one target language made by ElevenLabs' Dubbing API
 * (dubbing.ts) from the extract step's speech track, handed on as a fit plan of one line that
 * covers the timeline, so dubarr's own mix (dub-only: ElevenLabs' audio already carries the
 * background) and mux make the track and the file: the original audio kept, the video stream
 * copied. Used by the dub-elevenlabs preset.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeSync } from '../../native/lib/index.js';
import { DubarrError, defineStage, languageParam, parseOptions, throwIfCancelled, type FitPlan } from '../sdk/index.js';
import { lookupLanguage } from '../sdk/languages.js';
import { ProviderResultCache } from '../sdk/provider-cache.js';
import { parseWavHeader } from '../sdk/wav.js';
import { elevenClient, PROVIDER } from './client.js';
import { dubAudio } from './dubbing.js';
import { ElevenLabsOptions } from './options.js';

export default defineStage<unknown, FitPlan>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(ElevenLabsOptions, input, 'elevenlabs');
  const path = input.inputs.extract?.files.audio;
  if (!path) throw new DubarrError('E_INVALID_ARGUMENT', 'elevenlabs:dubbing needs inputs.extract with files.audio (the extract step\'s WAV)');
  const target = languageParam(input, 'targetLanguage');
  if (!target) throw new DubarrError('E_INVALID_ARGUMENT', 'elevenlabs:dubbing needs params.targetLanguage');
  const code = (tag: string) => lookupLanguage(tag)?.code ?? tag;
  const source = languageParam(input, 'sourceLanguage');
  const audio = await readFile(path).catch((e: unknown) => { throw new DubarrError('E_INPUT_NOT_FOUND', `${path}: cannot read (${(e as Error).message})`); });
  const info = parseWavHeader(audio, path);
  const seconds = Math.max(1, Math.ceil(info.durationMs / 1000));

  const { audio: dubbed, dubbingId, cached } = await dubAudio({
    audio, fileName: 'speech.wav', contentType: 'audio/wav', targetLanguage: code(target),
    ...(source ? { sourceLanguage: code(source) } : {}), seconds, name: `dubarr ${code(target)} ${seconds} s`,
  }, createHash('sha256').update(audio).digest('hex'), {
    client: elevenClient(options, ctx.signal), cache: new ProviderResultCache(PROVIDER), cost: ctx.cost,
    pollSeconds: options.pollSeconds, maxWaitMinutes: options.maxWaitMinutes, signal: ctx.signal, progress: ctx.progress,
  });

  const file = join(ctx.workDir, `dubbed.${extensionOf(dubbed)}`);
  await writeFile(file, dubbed);
  const durationMs = Math.round((probeSync(file, { cancelFlag: ctx.cancelFlag }).duration ?? 0) * 1000);
  if (durationMs <= 0) throw new DubarrError('E_PROVIDER_FAILED', `elevenlabs: the audio of dubbing ${dubbingId} is not playable media`);
  ctx.log.info({ dubbingId, durationMs, cached }, 'elevenlabs dubbing');
  ctx.progress(1);
  return {
    files: { dubbed: file },
    data: {
      language: code(target),
      sampleRate: info.sampleRate,
      units: [{
        id: 'dubbing', start: 0, end: durationMs, file: 'dubbed', durationMs, sourceDurationMs: durationMs,
        factor: 1, rate: 1, placedStart: 0, placedEnd: durationMs, overflowMs: 0, trimmedMs: 0,
      }],
      summary: { units: 1, stretched: 0, overflows: 0, trimmed: 0, maxFactor: 1, histogram: {} },
    },
  };
});

/** What the bytes are (ElevenLabs answers MP3 for audio, MP4 for video); the decoder probes the content anyway. */
function extensionOf(b: Buffer): string {
  if (b.subarray(0, 4).toString('latin1') === 'RIFF') return 'wav';
  if (b.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4';
  return 'mp3';
}
