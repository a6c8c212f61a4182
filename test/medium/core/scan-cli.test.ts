/**
 * `dubarr scan`: the backfill door. The real CLI in a child process against a library of
 * generated media: a dry run lists and records nothing; a scan queues at backfill priority what
 * lacks a language, and a second scan queues nothing more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LibraryFiles } from '../../../core/jobs/library-files.js';
import { PRIORITY } from '../../../core/jobs/store.js';
import { dubOnlyDubbedMkv, h264AacMp4 } from '../../fixtures/media.js';
import { workspace } from './cli-harness.js';

test('dubarr scan --dry-run lists what would be queued and why the rest is not; dubarr scan queues it at backfill priority, once', async () => {
  const w = await workspace('scan');
  const library = join(w.dir, 'library');
  const film = join(library, 'Film (2001)', 'Film (2001).mp4'); // English audio
  const dubbed = join(library, 'Dubbed.mkv'); // French and Spanish audio
  try {
    await mkdir(join(library, 'Film (2001)', 'Extras'), { recursive: true });
    await copyFile(await h264AacMp4(), film);
    await copyFile(await dubOnlyDubbedMkv(), dubbed);
    await writeFile(join(library, 'notes.txt'), 'not media\n');
    await writeFile(join(library, 'Film (2001)', 'Extras', '.dubarrignore'), '');
    await copyFile(await h264AacMp4(), join(library, 'Film (2001)', 'Extras', 'Trailer.mp4'));
    // A library that has been there a while (a file modified seconds ago may still be being written).
    const past = new Date(Date.now() - 3_600_000);
    for (const p of [film, dubbed]) await utimes(p, past, past);

    const dry = await w.run('scan', library, '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    const lines = dry.out.trim().split('\n');
    assert.equal(lines.length, 3, dry.out);
    assert.match(lines[0]!, new RegExp(`^skip +present +fr,es +${escape(dubbed)}$`));
    assert.match(lines[1]!, new RegExp(`^would queue +es +${escape(film)}$`));
    assert.match(lines[2]!, /^2 media files in .*: 1 would be queued \(dry run: nothing was\), 1 skipped \(present 1\)$/);
    const s = w.store();
    try {
      assert.deepEqual(s.listJobs(), [], 'a dry run queues nothing');
      assert.equal(new LibraryFiles(s.db).get(film), undefined, 'and records nothing');

      const run = await w.run('scan', library, '--to', 'es,ca', '--json');
      assert.equal(run.code, 0, run.err);
      const out = JSON.parse(run.out) as { queued: number; dryRun: boolean; decisions: Array<{ path: string; action: string; languages: string[]; jobId?: string }> };
      assert.deepEqual([out.queued, out.dryRun], [2, false]);
      assert.deepEqual(out.decisions.map((d) => [d.path, d.action, d.languages]), [[dubbed, 'queue', ['ca']], [film, 'queue', ['es', 'ca']]]);
      const jobs = s.listJobs().sort((a, b) => a.input.localeCompare(b.input));
      assert.deepEqual(jobs.map((j) => [j.input, j.origin, j.priority, j.status, j.targetLanguages]), [
        [dubbed, 'backfill', PRIORITY.backfill, 'queued', ['ca']],
        [film, 'backfill', PRIORITY.backfill, 'queued', ['es', 'ca']],
      ]);
      assert.equal(new LibraryFiles(s.db).get(film)?.lastJobId, out.decisions[1]!.jobId);

      const again = await w.run('scan', library, '--to', 'es,ca');
      assert.equal(again.code, 0, again.err);
      assert.match(again.out, /2 media files in .*: 0 queued at backfill priority, 2 skipped \(pending 2\)/);
      assert.equal(s.listJobs().length, 2, 'nothing queued twice');
    } finally {
      s.db.close();
    }

    const missing = await w.run('scan', join(w.dir, 'nowhere'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /E_INPUT_NOT_FOUND/);
    const badLanguage = await w.run('scan', library, '--to', 'xx');
    assert.equal(badLanguage.code, 2);
    assert.match(badLanguage.err, /E_INVALID_ARGUMENT.*'xx'/);
  } finally {
    await rm(w.dir, { recursive: true, force: true });
  }
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
