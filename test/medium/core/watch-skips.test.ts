/**
 * What a watched folder leaves alone: a tree under a .dubarrignore (until the marker goes), and
 * files that already have every target language (skipIfPresent). Real watcher, SQLite, addon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dubOnlyDubbedMkv, h264AacMp4, toneM4a } from '../../fixtures/media.js';
import { watchedRuntime } from './watch-harness.js';

test('a tree under a .dubarrignore is skipped, at start and for files added later; once the marker goes, its files are queued', async () => {
  const source = await h264AacMp4();
  // The library as it is before the server starts: a film, and its extras under a marker.
  const library = await mkdtemp(join(tmpdir(), 'dubarr-ignore-'));
  const extras = join(library, 'Film (2001)', 'Extras');
  const film = join(library, 'Film (2001)', 'Film (2001).mp4');
  await mkdir(join(extras, 'Deleted Scenes'), { recursive: true });
  await writeFile(join(extras, '.dubarrignore'), '');
  await copyFile(source, join(extras, 'Trailer.mp4'));
  await copyFile(source, join(extras, 'Deleted Scenes', 'Scene 1.mp4'));
  await copyFile(source, film);
  try {
    const w = await watchedRuntime({ path: library });
    try {
      assert.equal((await w.settled(film)).action, 'queue');
      // Added while watching, under the marker.
      const later = join(extras, 'Deleted Scenes', 'Scene 2.mp4');
      await copyFile(source, later);
      await w.watcher.rescan();
      const inExtras = (x: { path: string }) => x.path.startsWith(`${extras}/`);
      assert.deepEqual([...w.decisions, ...w.checks].filter(inExtras), [], 'nothing under the marker was looked at');
      assert.equal(w.rt.store.listJobs({ limit: 10 }).length, 1);

      // The user removes the marker: the watcher walks that folder.
      await rm(join(extras, '.dubarrignore'));
      for (const p of [join(extras, 'Trailer.mp4'), join(extras, 'Deleted Scenes', 'Scene 1.mp4'), later]) {
        assert.equal((await w.settled(p)).action, 'queue', p);
      }
      assert.equal(w.rt.store.listJobs({ limit: 10 }).length, 4);
    } finally {
      await w.close();
    }
  } finally {
    await rm(library, { recursive: true, force: true });
  }
});

test('a file that already has the target language is skipped: as an audio track, an audio sidecar or a dubbed version beside it; not with skipIfPresent off', async () => {
  const w = await watchedRuntime({}, { more: [{ path: 'everything', preset: 'quick', targetLanguages: ['es'], stabilitySeconds: 0.2, skipIfPresent: false }] });
  try {
    const plain = await h264AacMp4(); // English audio
    const files = {
      track: join(w.dir, 'Dubbed.mkv'), // French + Spanish audio tracks
      sidecar: join(w.dir, 'Film.mp4'),
      version: join(w.dir, 'Show.mp4'),
      lacking: join(w.dir, 'Plain.mp4'),
      forced: join(w.t.dir, 'everything', 'Dubbed.mkv'),
    };
    await copyFile(await toneM4a(440, 1), join(w.dir, 'Film.es.mka'));
    await copyFile(plain, join(w.dir, 'Show - dub es.mp4'));
    await copyFile(await dubOnlyDubbedMkv(), files.track);
    await copyFile(plain, files.sidecar);
    await copyFile(plain, files.version);
    await copyFile(plain, files.lacking);
    await mkdir(join(w.t.dir, 'everything'), { recursive: true });
    await copyFile(await dubOnlyDubbedMkv(), files.forced);
    const got = Object.fromEntries(await Promise.all(Object.entries(files).map(async ([k, p]) => {
      const d = await w.settled(p);
      return [k, [d.action, d.reason, d.languages]];
    })));
    assert.deepEqual(got, {
      track: ['skip', 'present', ['fr', 'es']],
      sidecar: ['skip', 'present', ['en', 'es']],
      version: ['skip', 'present', ['en', 'es']],
      lacking: ['queue', undefined, ['es']],
      forced: ['queue', undefined, ['es']],
    });
    assert.deepEqual(w.decisions.filter((d) => d.path.endsWith(' - dub es.mp4')), [], 'the dubbed version itself is dubarr\'s output');
  } finally {
    await w.close();
  }
});
