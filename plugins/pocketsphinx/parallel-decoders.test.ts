/**
 * Recognition cut into chunks of VAD regions runs up to StageContext.parallelism decoder
 * processes at once, gives the same transcript however many run, and a cancel leaves none of
 * them behind. Chunks of 10 s cut the fixture's four sentences into two chunks of two.
 *
 * Every decoder stops at a gate (decoder-gate.ts) before it becomes pocketsphinx and waits
 * there until the test lets it through, so what runs at once is decided by the test, never by
 * how the machine schedules the processes. Decoders are seen in /proc by their -infile, which
 * lies inside the run's own work dir, so other tests' decoders on the machine never count.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DubarrError, Transcript, type SpeechSegments } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest, type TestRun } from '../sdk/testing.js';
import { decoderGate, type DecoderGate, type HeldDecoder } from './decoder-gate.js';
import plugin from './index.js';
import { makeSpeech, type SpeechFixture } from './speech-fixture.js';

const def = findStage(plugin, 'pocketsphinx:transcribe');
const CHUNKS = 2;

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
const input = (options: object) => ({ options: { chunkSeconds: 10, ...options }, params: { sourceLanguage: 'en' }, inputs: { audio: outputOf({ audio: speech.wav }), vad: outputOf({}, vad()) } });

/** pocketsphinx processes (held at the gate or decoding) on files inside `workDir`, now. */
async function decodersIn(workDir: string): Promise<number> {
  let n = 0;
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('pocketsphinx') && cmd.includes(workDir)) n++;
  }
  return n;
}

/** The next decoder at the gate; fails (instead of waiting for ever) if the stage settles first. */
async function nextDecoder(gate: DecoderGate, running: Promise<unknown>): Promise<HeldDecoder> {
  const settled = running.then(() => { throw new Error('the stage finished while a decoder was still expected at the gate'); });
  return Promise.race([gate.next(), settled]);
}

/**
 * Runs the stage, holding arriving decoders at the gate until `hold` of them wait at once (the
 * number expected to run together), then letting them through. Counts the work dir's
 * decoders at every arrival: a held decoder cannot finish, so the count at the last arrival
 * of a group is all of them; and a lane takes its next chunk only once its decoder's process
 * is gone, so with one lane each arrival finds itself alone.
 */
async function decodersAtOnce(options: object, parallelism: number, hold: number): Promise<{ counts: number[]; transcript: Transcript }> {
  const gate = await decoderGate();
  const workDir = await mkdtemp(join(tmpdir(), 'dubarr-pocketsphinx-lanes-'));
  const stop = new AbortController();
  const running = runStageForTest<Transcript>(def, input({ ...options, binary: gate.binary }), { workDir, parallelism, signal: stop.signal });
  try {
    const counts: number[] = [];
    const held: HeldDecoder[] = [];
    for (let arrived = 1; arrived <= CHUNKS; arrived++) {
      held.push(await nextDecoder(gate, running));
      counts.push(await decodersIn(workDir));
      if (held.length === hold || arrived === CHUNKS) for (const d of held.splice(0)) await d.release();
    }
    const run: TestRun<Transcript> = await running;
    return { counts, transcript: Transcript.parse(run.result.data) };
  } finally {
    stop.abort(); // a failed assertion must not leave decoders waiting at the gate
    await running.catch(() => {});
    await gate.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

test('decoders run in parallel up to the granted parallelism, the concurrency option caps it, and the transcript is the same', async () => {
  const two = await decodersAtOnce({}, 2, 2);
  assert.equal(two.counts[1], 2, 'the second decoder started while the first still ran');
  assert.match(two.transcript.source.detail ?? '', /4 VAD regions in 2 chunk\(s\)/);
  const one = await decodersAtOnce({}, 1, 1);
  assert.deepEqual(one.counts, [1, 1], 'parallelism 1: each decoder alone');
  const capped = await decodersAtOnce({ concurrency: 1 }, 4, 1);
  assert.deepEqual(capped.counts, [1, 1], 'concurrency 1 caps a larger share');
  assert.deepEqual(one.transcript, two.transcript, 'the chunks do not depend on how many decoders run');
  assert.deepEqual(capped.transcript, two.transcript);
});

test('cancel while parallel decoders run: the stage settles with E_CANCELLED and no decoder remains', async () => {
  const gate = await decoderGate();
  const workDir = await mkdtemp(join(tmpdir(), 'dubarr-pocketsphinx-cancel-'));
  const ac = new AbortController();
  let reports = 0;
  // The first decoder decodes; the second waits at the gate, so the stage cannot end before
  // the cancel. The cancel lands at the first decoder's first report: its first sentence.
  const running = runStageForTest(def, input({ binary: gate.binary }), {
    workDir, parallelism: 2, signal: ac.signal,
    onProgress: () => { reports++; ac.abort(); },
  });
  try {
    const first = await nextDecoder(gate, running);
    await nextDecoder(gate, running);
    const waiting = await decodersIn(workDir);
    await first.release();
    await assert.rejects(running, (e: unknown) => e instanceof DubarrError && e.code === 'E_CANCELLED');
    assert.equal(waiting, 2, 'both decoders had started');
    assert.ok(reports >= 1, 'cancelled from a decoder\'s progress report, mid-run');
    assert.equal(await decodersIn(workDir), 0, 'every decoder process is gone when the stage settles');
  } finally {
    ac.abort();
    await running.catch(() => {});
    await gate.close();
    await rm(workDir, { recursive: true, force: true });
  }
});
