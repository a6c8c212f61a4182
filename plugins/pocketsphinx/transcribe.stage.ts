/** pocketsphinx:transcribe — English ASR with word timings and confidence, VAD regions only when given. */
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DubarrError, defineStage, throwIfCancelled, type Cancellation, type Transcript } from '../sdk/index.js';
import { runDecoder } from './decoder-process.js';
import { modelPaths, type PocketsphinxOptions } from './options.js';
import type { Utterance } from './decoder-output.js';
import { chunkCount, planRuns, speechRegions, toSourceTime, type DecodeRun } from './speech-plan.js';
import { readAudio, readOptions, readVad, requireEnglish } from './stage-inputs.js';
import { writeRunStream } from './stream-file.js';
import type { WavInfo } from '../sdk/wav.js';
import { toSegments } from './transcript.js';

export default defineStage<unknown, Transcript>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = readOptions(input);
  requireEnglish(input);
  const { path, info } = await readAudio(input);
  const vad = readVad(input);
  const model = modelPaths(options);
  await Promise.all(Object.values(model).map((p) => access(p).catch(() => {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `pocketsphinx model file ${p} is missing: apt-get install pocketsphinx-en-us, or fix the model options`);
  })));

  const regions = speechRegions(info.durationMs, vad?.segments, options.vadPaddingMs);
  const runs = planRuns(regions, vad ? chunkCount(regions, options.chunkSeconds * 1000) : 1);
  const lanes = Math.min(options.concurrency ?? Infinity, ctx.parallelism, runs.length);
  const streamTotal = runs.reduce((n, r) => n + r.streamMs, 0);
  const reached = runs.map(() => 0);
  const report = () => ctx.progress(Math.min(1, reached.reduce((a, b) => a + b, 0) / Math.max(1, streamTotal)));

  // `lanes` decoders at a time, each taking the next chunk (a lane never rejects: it records
  // the first error and stops the others). The stage's own abort stops them all. The stage
  // settles only when every lane has (runDecoder returns once its process is gone).
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const decoded: Array<Array<{ words: Utterance; toSource(ms: number): number }>> = [];
  let next = 0;
  let firstError: unknown;
  try {
    await Promise.all(Array.from({ length: lanes }, async () => {
      while (next < runs.length && firstError === undefined && !stop.signal.aborted) {
        const i = next++;
        const run = runs[i]!;
        try {
          const infile = await inputFileFor(run, i, path, info, ctx.workDir, { signal: stop.signal, cancelFlag: ctx.cancelFlag });
          const utterances = await runDecoder({
            binary: options.binary,
            args: decoderArgs(options, model, infile),
            signal: stop.signal,
            onReached: (ms) => { reached[i] = Math.min(ms, run.streamMs); report(); },
          });
          decoded[i] = utterances.map((words) => ({ words, toSource: (ms: number) => toSourceTime(run, ms) }));
          await rm(infile, { force: true });
        } catch (e) {
          firstError ??= e;
          stop.abort();
        }
      }
    }));
    throwIfCancelled(ctx);
    if (firstError !== undefined) throw firstError;
    const segments = toSegments(decoded.flat());
    if (segments.length === 0) ctx.log.warn('pocketsphinx recognised no words in the audio');
    ctx.progress(1, `${segments.length} utterances`);
    return {
      data: {
        language: 'en',
        source: { kind: 'asr', provider: 'pocketsphinx', detail: vad ? `en-us, ${regions.length} VAD regions in ${runs.length} chunk(s)` : 'en-us, whole track' },
        segments,
      },
    };
  } catch (e) {
    throwIfCancelled(ctx);
    throw e;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
});

async function inputFileFor(run: DecodeRun, i: number, path: string, info: WavInfo, workDir: string, cancel: Cancellation): Promise<string> {
  const file = join(workDir, `speech-${i}.raw`);
  await writeRunStream(path, info, run, file, cancel);
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
