/**
 * Recognition cut into chunks of VAD regions runs up to StageContext.parallelism decoder
 * processes at once, gives the same transcript however many run, and a cancel leaves none of
 * them behind. Decoders are seen in /proc by their -infile, which lies inside the run's own
 * work dir, so other tests' decoders on the machine never count. Chunks of 10 s cut the
 * fixture's four sentences into two chunks of two, so a decoder reports its first sentence
 * while it still decodes the second.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError, Transcript, type SpeechSegments } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';
import { makeSpeech, type SpeechFixture } from './speech-fixture.js';

const def = findStage(plugin, 'pocketsphinx:transcribe');

let speech: SpeechFixture;
before(async () => {
  speech = await makeSpeech([
    { text: 'Good morning everyone. Thank you for coming today.', at: 500 },
    { text: 'We are going to talk about the weather and the news.', at: 6500 },
    { text: 'My brother works at the hospital near the river.', at: 12_500 },
    { text: 'The new bridge is made of stone and steel.', at: 18_500 },
  ], 23_000);
});
after(async () => { await rm(speech.dir, { recursive: true, force: true }); });

const vad = (): SpeechSegments => ({ durationMs: speech.durationMs, segments: speech.sentences.map((s) => ({ start: s.at, end: s.end })) });
const input = (options: object = {}) => ({ options: { chunkSeconds: 10, ...options }, params: { sourceLanguage: 'en' }, inputs: { audio: outputOf({ audio: speech.wav }), vad: outputOf({}, vad()) } });

/** pocketsphinx processes decoding files inside `workDir`, now. */
async function decodersIn(workDir: string): Promise<number> {
  let n = 0;
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('pocketsphinx') && cmd.includes(workDir)) n++;
  }
  return n;
}

/** Runs the stage, counting its decoders at every progress report; returns the most seen at once. */
async function mostDecoders(options: object, parallelism: number): Promise<{ most: number; transcript: Transcript }> {
  const workDir = await mkdtemp(join(tmpdir(), 'dubarr-pocketsphinx-lanes-'));
  const seen: Array<Promise<number>> = [];
  try {
    const run = await runStageForTest<Transcript>(def, input(options), { workDir, parallelism, onProgress: () => { seen.push(decodersIn(workDir)); } });
    return { most: Math.max(0, ...(await Promise.all(seen))), transcript: Transcript.parse(run.result.data) };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

test('decoders run in parallel up to the granted parallelism, the concurrency option caps it, and the transcript is the same', async () => {
  const two = await mostDecoders({}, 2);
  assert.equal(two.most, 2, 'two chunks decoded at once');
  assert.match(two.transcript.source.detail ?? '', /4 VAD regions in 2 chunk\(s\)/);
  const one = await mostDecoders({}, 1);
  assert.equal(one.most, 1, 'parallelism 1: one decoder');
  const capped = await mostDecoders({ concurrency: 1 }, 4);
  assert.equal(capped.most, 1, 'concurrency 1 caps a larger share');
  assert.deepEqual(one.transcript, two.transcript, 'the chunks do not depend on how many decoders run');
  assert.deepEqual(capped.transcript, two.transcript);
});

test('cancel while parallel decoders run: the stage settles with E_CANCELLED and no decoder remains', async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'dubarr-pocketsphinx-cancel-'));
  const ac = new AbortController();
  let atCancel = 0;
  try {
    await assert.rejects(runStageForTest(def, input(), {
      workDir, parallelism: 2, signal: ac.signal,
      // Cancel at the first progress report that finds both decoders running.
      onProgress: () => {
        void decodersIn(workDir).then((n) => { if (n === 2 && !ac.signal.aborted) { atCancel = n; ac.abort(); } });
      },
    }), (e: unknown) => e instanceof DubarrError && e.code === 'E_CANCELLED');
    assert.equal(atCancel, 2, 'cancelled while two decoders ran');
    assert.equal(await decodersIn(workDir), 0, 'every decoder process is gone when the stage settles');
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});
