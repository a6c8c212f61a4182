/**
 * Sonarr and Radarr webhooks against a real server: their v3 and v4 payloads (single and
 * multi-episode imports, a season pack, upgrades, the Test event) lead to real jobs that deliver
 * a dubbed version beside the file, after hooks.pathMap maps Sonarr's and Radarr's folders to
 * dubarr's. The real runtime, SQLite, ffmpeg mux and QA on generated MP4 files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIORITY } from '../../../core/jobs/store.js';
import {
  radarrTest, radarrV3Download, radarrV4Download, sonarrTest, sonarrV3Download, sonarrV4Download, sonarrV4ImportComplete,
} from '../../fixtures/webhook-payloads.js';
import { finished } from './harness.js';
import { hookServer } from './hooks-harness.js';

const ep = (n: number) => ({ relativePath: `Season 01/The Show - S01E0${n}.mp4`, path: `/data/tv/The Show/Season 01/The Show - S01E0${n}.mp4` });

test('Sonarr v3 and v4 imports, a two-episode file and a v4 season pack queue webhook jobs on the mapped files, which are dubbed; the Test events queue nothing', async () => {
  const s = await hookServer((library) => ({ hooks: { pathMap: [{ from: '/data/tv', to: join(library, 'tv') }] } }));
  try {
    const files = await Promise.all([1, 2, 3, 4].map((n) => s.media(`tv/The Show/Season 01/The Show - S01E0${n}.mp4`)));

    for (const version of [3, 4] as const) {
      const r = await s.post('sonarr', sonarrTest(version));
      assert.equal(r.status, 200);
      assert.deepEqual([r.body.event, r.body.queued, r.body.ignored], ['Test', [], 'a test: nothing queued']);
    }
    assert.equal(s.t.rt.store.listJobs().length, 0, 'a Test event queues nothing');

    const v3 = await s.post('sonarr', sonarrV3Download('/data/tv/The Show', ep(1)));
    const v4 = await s.post('sonarr', sonarrV4Download('/data/tv/The Show', ep(2), { episodes: [2, 3] }), { header: true });
    const pack = await s.post('sonarr', sonarrV4ImportComplete('/data/tv/The Show', [ep(3), ep(4)]));
    for (const r of [v3, v4, pack]) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([...v3.body.queued, ...v4.body.queued, ...pack.body.queued].map((q) => q.path), files);

    for (const q of [...v3.body.queued, ...v4.body.queued, ...pack.body.queued]) {
      const job = await finished(s.t, q.job);
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      assert.deepEqual([job.origin, job.priority, job.preset, job.targetLanguages], ['webhook', PRIORITY.webhook, 'deliver', ['es']]);
      assert.ok(existsSync(q.path.replace(/\.mp4$/, ' - dub es.mp4')), `the dubbed version of ${q.path}`);
    }
  } finally {
    await s.close();
  }
});

test('Radarr v3 and v4: an import is dubbed; the same import sent again is not; an upgrade that replaced the file is; the Test events queue nothing', async () => {
  const s = await hookServer((library) => ({ hooks: { pathMap: [{ from: 'D:\\Movies', to: join(library, 'movies') }] } }));
  try {
    const film = await s.media('movies/A Film (2020)/A Film (2020).mp4');
    const file = { relativePath: 'A Film (2020).mp4', path: 'D:\\Movies\\A Film (2020)\\A Film (2020).mp4' };
    for (const version of [3, 4] as const) assert.deepEqual((await s.post('radarr', radarrTest(version))).body.queued, []);

    const first = await s.post('radarr', radarrV4Download('D:\\Movies\\A Film (2020)', file));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.queued.map((q) => q.path), [film]);
    assert.equal((await finished(s.t, first.body.queued[0]!.job)).status, 'succeeded');

    const again = await s.post('radarr', radarrV3Download('D:\\Movies\\A Film (2020)', file));
    assert.deepEqual(again.body.queued, []);
    assert.deepEqual(again.body.skipped, [{ path: film, reason: 'a job has dubbed this file since it last changed', job: first.body.queued[0]!.job }]);

    // The upgrade: Radarr moves the better release (other bytes) into place, beside the first one's dub.
    await rename(await s.media('better.mp4', 2), film);
    const upgrade = await s.post('radarr', radarrV4Download('D:\\Movies\\A Film (2020)', file, { isUpgrade: true, replaced: { relativePath: 'old.mp4', path: 'D:\\Movies\\A Film (2020)\\old.mp4' } }));
    assert.equal(upgrade.body.queued.length, 1, JSON.stringify(upgrade.body));
    assert.notEqual(upgrade.body.queued[0]!.job, first.body.queued[0]!.job);
    assert.equal((await finished(s.t, upgrade.body.queued[0]!.job)).status, 'succeeded');
    assert.equal(s.t.rt.store.listJobs().length, 2);
  } finally {
    await s.close();
  }
});
