/**
 * The source text can come from subtitle files beside the video, which are not the job's input
 * file: a changed, added or removed sidecar must change the text step's cache key, or a re-run
 * would reuse a transcript of subtitles that are no longer there. Real SQLite, cache, addon,
 * subtitles and pocketsphinx providers, on a generated talk video.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PresetInput } from '../../../core/pipeline/plan.js';
import type { Transcript } from '../../../plugins/sdk/artifacts.js';
import { talkVideo } from '../../fixtures/speech.js';
import { finished, testRuntime } from './harness.js';

const text: PresetInput = {
  steps: [
    { id: 'extract', capability: 'extract', inputs: { source: 'source' } },
    { id: 'vad', capability: 'vad', provider: 'energy-vad', inputs: { audio: 'extract' } },
    { id: 'text', capability: 'source-text', inputs: { source: 'source', audio: 'extract', vad: 'vad' } },
  ],
};

test('a sidecar edited, removed or added beside the same video re-runs the text step; nothing changed is a cache hit', async () => {
  const library = await mkdtemp(join(tmpdir(), 'dubarr-sidecars-'));
  const t = await testRuntime({ text }, { jobs: { concurrency: 1 } });
  try {
    const video = await talkVideo({ srtSidecar: true, dir: library });
    const srt = video.srtPath!;
    const run = async () => {
      const job = t.rt.scheduler.submit({ input: video.path, preset: 'text', sourceLanguage: 'en', targetLanguages: [], origin: 'cli' });
      const done = await finished(t, job.id, 180_000);
      assert.equal(done.status, 'succeeded', done.error?.message);
      const runs = t.rt.store.stageRuns(job.id);
      const textRun = runs.filter((r) => r.step === 'text').at(-1)!;
      const transcript = (done.result as { outputs: Record<string, { data: Transcript }> }).outputs.text!.data;
      return { status: textRun.status, provider: textRun.provider, source: transcript.source.kind, first: transcript.segments[0]?.text };
    };

    const first = await run();
    assert.deepEqual([first.status, first.source], ['succeeded', 'subtitles']);
    assert.equal((await run()).status, 'cached', 'nothing changed');

    const original = await readFile(srt, 'utf8');
    const edited = original.replace(first.first!, 'Edited words in the first cue.');
    assert.notEqual(edited, original);
    await writeFile(srt, edited);
    const afterEdit = await run();
    assert.deepEqual([afterEdit.status, afterEdit.first], ['succeeded', 'Edited words in the first cue.'], 'the edited sidecar was read again');

    await rm(srt);
    const withoutSrt = await run();
    assert.deepEqual([withoutSrt.status, withoutSrt.source, withoutSrt.provider], ['succeeded', 'asr', 'pocketsphinx'], 'no sidecar: recognition');

    await writeFile(join(library, 'talk.en.srt'), original);
    const added = await run();
    assert.deepEqual([added.status, added.source, added.first], ['cached', 'subtitles', first.first], 'the same subtitles are back: their result is reused');
  } finally {
    await t.close();
    await rm(library, { recursive: true, force: true });
  }
});
