/**
 * GraphQL scanLibrary, the API's backfill door: held to server.mediaRoots, a dry run that lists
 * and records nothing, then jobs at BACKFILL priority for what lacks a language. A real server on
 * 127.0.0.1 over the real runtime (its scheduler takes nothing, so the jobs stay queued).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibraryFiles } from '../../../core/jobs/library-files.js';
import { PRIORITY } from '../../../core/jobs/store.js';
import { dubOnlyDubbedMkv, h264AacMp4 } from '../../fixtures/media.js';
import { dataOf, errorOf, gqlServer } from './graphql-harness.js';
import { testRuntime } from './harness.js';

const SCAN = `mutation($path: String!, $to: [String!], $dry: Boolean) {
  scanLibrary(path: $path, targetLanguages: $to, dryRun: $dry) {
    path dryRun files queued
    decisions { path action reason languages errorCode retryAt job { id status input targetLanguages } }
  }
}`;

interface Scan {
  scanLibrary: {
    path: string; dryRun: boolean; files: number; queued: number;
    decisions: Array<{ path: string; action: string; reason: string | null; languages: string[]; job: { id: string; status: string; input: string; targetLanguages: string[] } | null }>;
  };
}

test('scanLibrary: a dry run lists; a scan queues what lacks a language at BACKFILL priority; a path outside server.mediaRoots is refused', async () => {
  const t = await testRuntime({}, {}, { takeQueued: false });
  const s = await gqlServer(t);
  const outside = await mkdtemp(join(tmpdir(), 'dubarr-outside-'));
  try {
    const library = join(t.dir, 'library');
    await mkdir(library);
    const film = join(library, 'Film.mp4'); // English
    const dubbed = join(library, 'Dubbed.mkv'); // French and Spanish
    await copyFile(await h264AacMp4(), film);
    await copyFile(await dubOnlyDubbedMkv(), dubbed);
    await copyFile(await h264AacMp4(), join(outside, 'Other.mp4'));
    const past = new Date(Date.now() - 3_600_000);
    for (const p of [film, dubbed, join(outside, 'Other.mp4')]) await utimes(p, past, past);

    const refused = errorOf(await s.gql(SCAN, { path: outside, dry: true }), 'E_PATH_NOT_ALLOWED');
    assert.match(refused.message, /outside server\.mediaRoots/);

    const dry = dataOf(await s.gql<Scan>(SCAN, { path: library, to: ['es'], dry: true })).scanLibrary;
    assert.deepEqual([dry.dryRun, dry.files, dry.queued], [true, 2, 1]);
    assert.deepEqual(dry.decisions.map((d) => [d.path, d.action, d.reason, d.languages, d.job]), [
      [dubbed, 'SKIP', 'PRESENT', ['fr', 'es'], null],
      [film, 'QUEUE', null, ['es'], null],
    ]);
    assert.deepEqual(t.rt.store.listJobs(), []);
    assert.equal(new LibraryFiles(t.rt.store.db).get(film), undefined, 'a dry run records nothing');

    const real = dataOf(await s.gql<Scan>(SCAN, { path: library, to: ['es', 'ca'] })).scanLibrary;
    assert.deepEqual([real.dryRun, real.files, real.queued], [false, 2, 2]);
    const jobs = real.decisions.map((d) => d.job!);
    assert.deepEqual(jobs.map((j) => [j.input, j.status, j.targetLanguages]), [[dubbed, 'QUEUED', ['ca']], [film, 'QUEUED', ['es', 'ca']]]);
    for (const j of jobs) {
      const stored = t.rt.store.getJob(j.id);
      assert.deepEqual([stored.origin, stored.priority], ['backfill', PRIORITY.backfill]);
    }

    const again = dataOf(await s.gql<Scan>(SCAN, { path: library, to: ['es', 'ca'] })).scanLibrary;
    assert.deepEqual(again.decisions.map((d) => [d.reason, d.job?.id]), [['PENDING', jobs[0]!.id], ['PENDING', jobs[1]!.id]]);
    assert.equal(t.rt.store.listJobs().length, 2);
    errorOf(await s.gql(SCAN, { path: library, to: ['xx'] }), 'E_INVALID_ARGUMENT');
  } finally {
    await rm(outside, { recursive: true, force: true });
    await s.close();
    await t.close();
  }
});
