import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../config/schema.js';
import type { LibraryFile } from '../jobs/library-files.js';
import { decideKnown } from './file-decision.js';
import { isPermanent, retryDelayMs } from './retry-policy.js';

const retry = { maxAttempts: 4, baseMinutes: 15, factor: 4, maxMinutes: 1440 };
const MIN = 60_000;
const file = (f: Partial<LibraryFile>): LibraryFile => ({
  path: '/media/a.mkv', sizeBytes: 1, mtimeMs: 1, content: '1:x', outcome: 'failed', outcomeAt: 1_000_000, jobLanguages: ['es'], coveredLanguages: [], attempts: 1, ...f,
});

test('a failure is retried after min(maxMinutes, baseMinutes * factor^(attempts-1)), counted from when it failed', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, retry) / MIN), [15, 60, 240, 960, 1440, 1440]);
  assert.equal(retryDelayMs(3, defaultConfig().watch.retry), retryDelayMs(3, retry), 'these are the defaults');
  const f = file({ errorCode: 'E_PROVIDER_FAILED', attempts: 2 });
  const waiting = decideKnown(f, ['es'], retry, f.outcomeAt + 60 * MIN - 1);
  assert.deepEqual([waiting?.reason, waiting?.retryAt, waiting?.errorCode], ['retry-later', f.outcomeAt + 60 * MIN, 'E_PROVIDER_FAILED']);
  assert.equal(decideKnown(f, ['es'], retry, f.outcomeAt + 60 * MIN), undefined, 'due: looked at afresh (and queued)');
  assert.equal(decideKnown({ ...f, attempts: 4 }, ['es'], retry, Number.MAX_SAFE_INTEGER)?.reason, 'gave-up');
});

test('permanent errors and a cancel wait for the file to change, however long ago they were', () => {
  for (const code of ['E_NO_SPEECH', 'E_NO_AUDIO_STREAM', 'E_MEDIA_UNREADABLE']) {
    assert.ok(isPermanent(code));
    const d = decideKnown(file({ errorCode: code }), ['es'], retry, Number.MAX_SAFE_INTEGER);
    assert.deepEqual([d?.reason, d?.errorCode], ['failed', code]);
  }
  assert.ok(!isPermanent('E_TRANSIENT') && !isPermanent('E_OUTPUT_NOT_WRITABLE') && !isPermanent(undefined));
  assert.equal(decideKnown(file({ outcome: 'cancelled' }), ['es'], retry, Number.MAX_SAFE_INTEGER)?.reason, 'cancelled');
});

test('done and present cover the languages asked for; one more language wanted looks at the file again', () => {
  const done = file({ outcome: 'succeeded', jobLanguages: ['es'], coveredLanguages: ['en'] });
  assert.deepEqual(decideKnown(done, ['es'], retry), { path: done.path, action: 'skip', reason: 'done', languages: ['en', 'es'] });
  assert.equal(decideKnown(done, ['es', 'ca'], retry), undefined);
  const present = file({ outcome: 'skipped', jobLanguages: [], coveredLanguages: ['es'] });
  assert.equal(decideKnown(present, ['es'], retry)?.reason, 'present');
  assert.equal(decideKnown(present, ['ca'], retry), undefined);
  // A failed job's languages are not done.
  assert.equal(decideKnown(file({ outcome: 'failed', errorCode: 'E_NO_SPEECH', jobLanguages: ['es'] }), ['es'], retry)?.reason, 'failed');
});

test('a pending job skips the file; a pending record without a job (its job deleted under it) is looked at again', () => {
  assert.equal(decideKnown(file({ outcome: 'queued', lastJobId: 'j1' }), ['es'], retry)?.reason, 'pending');
  assert.equal(decideKnown(file({ outcome: 'running', lastJobId: undefined }), ['es'], retry), undefined);
});
