/**
 * For `npm run bench -- onnx` (test/bench/onnx.ts aggregates the providers): the whisper
 * provider's transcription of a generated speech track on the tiny model, split into time
 * inside session.run (encoder, decoder) and ours (log-mel, decoding loop, DTW, reading audio),
 * plus log-mel throughput on its own. On the tiny model the sessions are nearly free, so "ours"
 * is our code's time, not its share of a run on real weights.
 */
import { rm } from 'node:fs/promises';
import { speechWav } from '../../test/fixtures/speech.js';
import { setModelsDir } from '../sdk/models.js';
import { WavReader } from '../sdk/wav-stream.js';
import { LogMel, WINDOW_SAMPLES } from './log-mel.js';
import { WhisperOptions } from './options.js';
import { speechSpans } from './speech-spans.js';
import { installTinyWhispers } from './tiny-model.testkit.js';
import { transcribe, WindowReader } from './transcriber.js';
import { openWhisper } from './whisper-runtime.js';

export interface WhisperBench {
  totalMs: number;
  sessionRunMs: number;
  encoderMs: number;
  decoderMs: number;
  melMs: number;
  /** Ours: total minus session.run. */
  oursMs: number;
  windows: number;
  audioSeconds: number;
  /** Seconds of audio turned into log-mel features per second of CPU (one 30 s window, repeated). */
  melSecondsPerSecond: number;
}

export async function benchWhisper(o: { rounds?: number } = {}): Promise<WhisperBench> {
  const models = await installTinyWhispers();
  try {
    setModelsDir(models.root);
    const speech = await speechWav({ backgroundDb: -50, durationMs: 180_000 });
    const options = WhisperOptions.parse({});
    const rt = await openWhisper(options);
    const cancel = { signal: new AbortController().signal, cancelFlag: new Int32Array(new SharedArrayBuffer(4)) };
    const vad = { durationMs: speech.durationMs, segments: speech.cues.map((c) => ({ start: c.start, end: c.end })) };
    const spans = speechSpans(speech.durationMs, vad, options.vadPaddingMs);
    const run = async () => {
      const wav = await WavReader.open(speech.path);
      try {
        return await transcribe(rt, new WindowReader(wav, rt.config.nMels), spans, { ...options, language: undefined, cancel, progress: () => {} });
      } finally {
        await wav.close();
      }
    };
    await run(); // warm-up: sessions, JIT
    rt.timing.encoderMs = 0;
    rt.timing.decoderMs = 0;
    const rounds = o.rounds ?? 3;
    let melMs = 0, windows = 0;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      const r = await run();
      melMs += r.melMs;
      windows += r.windows;
    }
    const totalMs = (performance.now() - t0) / rounds;
    const sessionRunMs = (rt.timing.encoderMs + rt.timing.decoderMs) / rounds;

    const mel = new LogMel(rt.config.nMels);
    const samples = Float32Array.from({ length: WINDOW_SAMPLES }, (_, i) => Math.sin(i * 0.05) * 0.1);
    mel.compute(samples);
    const m0 = performance.now();
    const reps = 10;
    for (let i = 0; i < reps; i++) mel.compute(samples);
    const melSecondsPerSecond = (reps * 30) / ((performance.now() - m0) / 1000);
    return {
      totalMs, sessionRunMs, encoderMs: rt.timing.encoderMs / rounds, decoderMs: rt.timing.decoderMs / rounds,
      melMs: melMs / rounds, oursMs: totalMs - sessionRunMs, windows: windows / rounds,
      audioSeconds: speech.durationMs / 1000, melSecondsPerSecond,
    };
  } finally {
    await rm(models.root, { recursive: true, force: true });
  }
}
