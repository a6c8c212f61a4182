/**
 * `dubarr doctor` on configured media servers, against fake Jellyfin, Plex and Emby servers on
 * 127.0.0.1: reachable, token accepted, and library folders that are (or are not) on this
 * machine inside server.mediaRoots; each problem with the fix, and never a token in the output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkMediaServers } from '../../../core/cli/doctor-media-servers.js';
import { formatDoctor, runDoctor } from '../../../core/cli/doctor.js';
import { FakeMediaBrowser, FakePlex } from '../../fixtures/fake-media-servers.js';

const JF_TOKEN = 'jellyfin-api-key-5f0c1a7d9e2b4c6a';

test('doctor: each media server reachable, its token accepted, its library folders seen here inside server.mediaRoots; each failure with its fix; no token shown', async () => {
  const here = await mkdtemp(join(tmpdir(), 'dubarr-doctor-media-'));
  const films = join(here, 'films');
  const tv = join(here, 'tv');
  await mkdir(films);
  await mkdir(tv);
  const jf = await new FakeMediaBrowser('jellyfin', { token: JF_TOKEN, serverId: 'abc', name: 'living room', items: [],
    libraries: [{ name: 'Films', locations: ['/data/films'] }, { name: 'TV', locations: ['/data/tv'] }] }).start();
  const jfHalf = await new FakeMediaBrowser('jellyfin', { token: JF_TOKEN, serverId: 'def', items: [],
    libraries: [{ name: 'Films', locations: ['/data/films'] }, { name: 'Music', locations: ['/data/music'] }] }).start();
  const plex = await new FakePlex({ token: 'the-right-plex-token', machineIdentifier: 'p1', sections: [], items: [] }).start();
  const gone = await new FakePlex({ token: 'x', machineIdentifier: 'p2', sections: [], items: [] }).start();
  await gone.close(); // nothing listens at its address any more
  const map = [{ from: '/data', to: here }];
  try {
    const checks = await checkMediaServers([
      { kind: 'jellyfin', url: jf.url, token: JF_TOKEN, pathMap: map },
      { kind: 'jellyfin', url: jfHalf.url, token: JF_TOKEN, pathMap: map },
      { kind: 'plex', url: plex.url, token: 'a-wrong-plex-token', pathMap: [] },
      { kind: 'emby', url: gone.url, token: 'emby-secret-token', pathMap: [] },
    ], [films]);
    const line = (name: string) => checks.find((c) => c.name === name);

    assert.deepEqual(line(`media server Jellyfin at ${jf.url}`), { name: `media server Jellyfin at ${jf.url}`, ok: true, detail: 'reachable: "living room" version 10.10.7' });
    assert.equal(line(`media server Jellyfin at ${jf.url} token`)?.detail, 'accepted; 2 library folders');
    const media = line(`media server Jellyfin at ${jf.url} media`)!;
    assert.deepEqual([media.ok, media.warning], [true, true], 'tv is here but outside server.mediaRoots');
    assert.match(media.detail, /\/data\/tv \(here .*\/tv\) is outside server\.mediaRoots/);
    assert.equal(media.fix, `add ${tv} to server.mediaRoots`);

    const half = line(`media server Jellyfin at ${jfHalf.url} media`)!;
    assert.deepEqual([half.ok, half.warning], [true, true]);
    assert.match(half.detail, /\/data\/music \(here .*\/music\) is not on this machine/);
    assert.match(half.fix!, /mediaServers\[1\]\.pathMap/);

    const plexToken = line(`media server Plex at ${plex.url} token`)!;
    assert.equal(plexToken.ok, false);
    assert.match(plexToken.detail, /answered 401 .*refused the token/);
    assert.equal(plexToken.fix, "set mediaServers[2].token to the server owner's X-Plex-Token");

    const emby = line(`media server Emby at ${gone.url}`)!;
    assert.equal(emby.ok, false);
    assert.match(emby.detail, /cannot be reached \(ECONNREFUSED\)/);
    assert.match(emby.fix!, /check mediaServers\[3\]\.url/);

    const all = await runDoctor({ dataDir: here, mediaServers: [{ kind: 'jellyfin', url: jf.url, token: JF_TOKEN, pathMap: map }], mediaRoots: [here] });
    const report = formatDoctor(all);
    assert.match(report, new RegExp(`^ ok {3}media server Jellyfin at ${jf.url.replace(/\./g, '\\.')} media: sees /data/films \\(here .*\\), /data/tv \\(here .*\\)$`, 'm'));
    for (const secret of [JF_TOKEN, 'a-wrong-plex-token', 'emby-secret-token']) {
      assert.ok(!JSON.stringify(checks).includes(secret) && !report.includes(secret), 'no token in the report');
    }
  } finally {
    await Promise.all([jf.close(), jfHalf.close(), plex.close()]);
    await rm(here, { recursive: true, force: true });
  }
});
