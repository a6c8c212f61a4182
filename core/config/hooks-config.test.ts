import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load.js';
import { renderConfig } from './print.js';

const cwd = tmpdir();

test('hooks and mediaServers from DUBARR_* variables; the tokens are masked in config print; relative pathMap targets resolve', () => {
  const config = loadConfig({ cwd, env: {
    DUBARR_HOOKS_TOKEN: 'a-long-hook-token-0123456789',
    DUBARR_HOOKS_PATH_MAP: '[{from: "D:\\\\Media", to: media}]',
    DUBARR_HOOKS_TARGET_LANGUAGES: 'es,ca',
    DUBARR_HOOKS_MODE: 'sidecar',
    DUBARR_MEDIA_SERVERS: '[{kind: jellyfin, url: "http://jellyfin:8096", token: jf-secret-key, pathMap: [{from: /data, to: /media}]}, {kind: plex, url: "https://plex.lan:32400/", token: plex-secret}]',
  } });
  assert.equal(config.hooks.token, 'a-long-hook-token-0123456789');
  assert.deepEqual(config.hooks.pathMap, [{ from: 'D:\\Media', to: join(cwd, 'media') }]);
  assert.deepEqual([config.hooks.targetLanguages, config.hooks.mode, config.hooks.preset], [['es', 'ca'], 'sidecar', '']);
  assert.deepEqual(config.mediaServers.map((s) => [s.kind, s.url, s.pathMap.length]), [['jellyfin', 'http://jellyfin:8096', 1], ['plex', 'https://plex.lan:32400/', 0]]);
  const printed = renderConfig(config);
  for (const secret of ['a-long-hook-token-0123456789', 'jf-secret-key', 'plex-secret']) assert.ok(!printed.includes(secret), `${secret} is masked`);
  assert.match(printed, /token: "\*{8}"/);
});

test('a short hook token, an address with credentials or not http(s), and an unknown kind are config errors', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ cwd, env });
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.match(problems({ DUBARR_HOOKS_TOKEN: 'short' }), /hooks\.token.*at least 16 characters/);
  const withPassword = problems({ DUBARR_MEDIA_SERVERS: '[{kind: jellyfin, url: "http://me:pw@jellyfin:8096", token: t}]' });
  assert.match(withPassword, /mediaServers\[0\]\.url: put the token in token, not in the address; got "http:\/\/\*\*\*\*@jellyfin:8096"/);
  assert.ok(!withPassword.includes('me:pw'), 'the password is not shown');
  assert.match(problems({ DUBARR_MEDIA_SERVERS: '[{kind: jellyfin, url: "ftp://jellyfin", token: t}]' }), /mediaServers\[0\]\.url/);
  assert.match(problems({ DUBARR_MEDIA_SERVERS: '[{kind: kodi, url: "http://kodi", token: t}]' }), /mediaServers\[0\]\.kind/);
  assert.match(problems({ DUBARR_MEDIA_SERVERS: '[{kind: plex, url: "http://plex"}]' }), /mediaServers\[0\]\.token/);
  assert.equal(problems({ DUBARR_HOOKS_TOKEN: '' }), '', "'' turns webhooks off");
});
