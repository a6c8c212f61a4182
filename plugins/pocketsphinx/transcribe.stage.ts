/** pocketsphinx:transcribe — English ASR with word timings and confidence, VAD regions only when given. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DubarrError, defineStage, throwIfCancelled, type Transcript } from '../sdk/index.js';
import { runDecoder } from './decoder-process.js';
import { modelPaths, type PocketsphinxOptions } from './options.js';
import { planRuns, speechRegions, toSourceTime, type DecodeRun } from './speech-plan.js';
import { readAudio, readOptions, readVad, requireEnglish } from './stage-inputs.js';
import { writeRunStream } from './stream-file.js';
import type { WavInfo } from '../sdk/wav.js';
import { toSegments } from './transcript.js';

export default defineStage<unknown, Transcript>(async (input, ctx) => {
  throwIfCancelled(ctx.signal);
  const options = readOptions(input);
  requireEnglish(input);
  const { path, info } = await readAudio(input);
  const vad = readVad(input);
  const model = modelPaths(options);
  await Promise.all(Object.values(model).map((p) => access(p).catch(() => {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `pocketsphinx model file ${p} is missing: apt-get install pocketsphinx-en-us, or fix the model options`);
  })));

  const decoders = vad ? Math.min(options.concurrency ?? Infinity, ctx.parallelism) : 1;
  const runs = planRuns(speechRegions(info.durationMs, vad?.segments, options.vadPaddingMs), decoders);
  const streamTotal = runs.reduce((n, r) => n + r.streamMs, 0);
  const reached = runs.map(() => 0);
  const report = () => ctx.progress(Math.min(1, reached.reduce((a, b) => a + b, 0) / Math.max(1, streamTotal)));

  // One failing decoder stops the others; the stage's own abort stops them all. The stage
  // settles only when every decoder has (runDecoder returns once its process is gone).
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let firstError: unknown;
  try {
    const decoded = await Promise.allSettled(runs.map(async (run, i) => {
      try {
        const infile = await inputFileFor(run, i, path, info, ctx.workDir, stop.signal);
        const utterances = await runDecoder({
          binary: options.binary,
          args: decoderArgs(options, model, infile),
          signal: stop.signal,
          onReached: (ms) => { reached[i] = Math.min(ms, run.streamMs); report(); },
        });
        return utterances.map((words) => ({ words, toSource: (ms: number) => toSourceTime(run, ms) }));
      } catch (e) {
        firstError ??= e;
        stop.abort();
        throw e;
      }
    }));
    throwIfCancelled(ctx.signal);
    if (firstError !== undefined) throw firstError;
    const segments = toSegments(decoded.flatMap((d) => (d.status === 'fulfilled' ? d.value : [])));
    if (segments.length === 0) ctx.log.warn('pocketsphinx recognised no words in the audio');
    ctx.progress(1, `${segments.length} utterances`);
    return {
      data: {
        language: 'en',
        source: { kind: 'asr', provider: 'pocketsphinx', detail: vad ? `en-us, ${runs.flatMap((r) => r.regions).length} VAD regions` : 'en-us, whole track' },
        segments,
      },
    };
  } catch (e) {
    throwIfCancelled(ctx.signal);
    throw e;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
});

async function inputFileFor(run: DecodeRun, i: number, path: string, info: WavInfo, workDir: string, signal: AbortSignal): Promise<string> {
  const file = join(workDir, `speech-${i}.raw`);
  await writeRunStream(path, info, run, file, signal);
  return file;
}

function decoderArgs(o: PocketsphinxOptions, model: ReturnType<typeof modelPaths>, infile: string): string[] {
  return [
    '-infile', infile, '-time', 'yes', '-samprate', '16000',
    '-hmm', model.hmm, '-lm', model.lm, '-dict', model.dict,
    '-remove_noise', o.removeNoise ? 'yes' : 'no',
    '-maxhmmpf', String(o.maxhmmpf), '-maxwpf', String(o.maxwpf),
    ...o.extraArgs,
  ];
}
