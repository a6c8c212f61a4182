/**
 * Delivery through the real CLI: results land where the user asked, a folder that does not
 * exist yet included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { probeSync } from '../../native/lib/index.js';
import { talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, outputsOf } from './dub-harness.js';

test('dub --out into a folder that does not exist yet: created, and every result written there', async () => {
  const w = await dubWorkspace('outdir');
  try {
    const video = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'Show' });
    const sourceFolder = (await readdir(w.dir)).filter((n) => n !== 'data').sort();
    const out = join(w.dir, 'dubs', 'season 1');
    const run = await w.dub(video.path, '--to', 'es', '--out', out);
    assert.equal(run.code, 0, run.err);
    const mux = outputsOf(run.job).mux!.data as { video: string; written: string[] };
    assert.equal(mux.video, join(out, 'Show - dub es.mp4'));
    assert.deepEqual((await readdir(out)).sort(), ['Show - dub es.en.srt', 'Show - dub es.en.vtt', 'Show - dub es.es.srt', 'Show - dub es.es.vtt', 'Show - dub es.mp4']);
    assert.deepEqual(probeSync(mux.video).streams.filter((s) => s.type === 'audio').map((s) => s.language), ['eng', 'spa']);
    assert.deepEqual((await readdir(w.dir)).filter((n) => n !== 'dubs' && n !== 'data').sort(), sourceFolder, 'nothing new beside the source');
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});
