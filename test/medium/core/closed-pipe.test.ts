/**
 * `dubarr ... | head`: the reader closes the pipe early. Outputs here are far larger than a
 * pipe's buffer (64 KiB), so the CLI is still writing when the pipe closes, whatever the timing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { exited, workspace } from './cli-harness.js';

type Workspace = Awaited<ReturnType<typeof workspace>>;

/** Runs the CLI, closes its stdout after the first bytes arrive; exit code and stderr. */
async function closedEarly(w: Workspace, ...args: string[]) {
  const p = w.cli(...args);
  let first = '';
  let err = '';
  p.stdout!.once('data', (d: Buffer) => { first = d.toString(); p.stdout!.destroy(); });
  p.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  return { code: await exited(p), first, err };
}

test('jobs list / jobs show piped into a reader that stops early: exit 0, nothing on stderr', async () => {
  const w = await workspace('epipe');
  const s = w.store();
  try {
    const ids = s.transaction(() => Array.from({ length: 10_000 }, () => s.createJob({ input: w.input, preset: 'chain', targetLanguages: ['es'], origin: 'cli' }).id));
    s.finishJob(ids[0]!, 'succeeded', { result: { outputs: { qa: { files: {}, data: { notes: Array.from({ length: 20_000 }, (_, i) => `note ${i}: ${'x'.repeat(60)}`) } } } } });
    for (const args of [['jobs', 'list', '--limit', '10000'], ['jobs', 'show', ids[0]!, '--json'], ['jobs', 'show', ids[0]!]]) {
      const r = await closedEarly(w, ...args);
      assert.ok(r.first.length > 0, `${args.join(' ')} printed something first`);
      assert.equal(r.err, '', `${args.join(' ')}: stderr`);
      assert.equal(r.code, 0, `${args.join(' ')}: exit code`);
    }
  } finally {
    s.db.close();
    await rm(w.dir, { recursive: true, force: true });
  }
});

test('dub with stdout and stderr closed before it writes: the job still finishes and the CLI exits 0', async () => {
  const w = await workspace('epipe-dub');
  const s = w.store();
  try {
    const p = w.cli('dub', w.input, '--preset', 'chain', '--json');
    p.stdout!.destroy();
    p.stderr!.destroy();
    assert.equal(await exited(p), 0);
    const [job] = s.listJobs();
    assert.equal(job?.status, 'succeeded');
    assert.equal((await w.runs()).length, 4, 'every stage ran');
  } finally {
    s.db.close();
    await rm(w.dir, { recursive: true, force: true });
  }
});
