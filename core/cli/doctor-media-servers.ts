import { existsSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { MediaServer } from '../integrations/media-server.js';
import { MediaServers } from '../integrations/media-servers.js';
import { isInside, toOurs } from '../integrations/path-map.js';
import { serverStatus } from '../integrations/server-http.js';
import type { DoctorCheck } from './doctor.js';

/**
 * `dubarr doctor` for each of mediaServers: is it reachable (its public identity), is the token
 * accepted (its library folders), and does it see our media: each library folder, mapped by the
 * server's pathMap, should be a folder on this machine inside server.mediaRoots (where webhook
 * jobs may run). Never shows a token.
 */
export async function checkMediaServers(configs: Config['mediaServers'], mediaRoots: readonly string[]): Promise<DoctorCheck[]> {
  const servers = new MediaServers(configs);
  return (await Promise.all(servers.all.map((s, i) => checkOne(s, i, mediaRoots)))).flat();
}

async function checkOne(server: MediaServer, index: number, mediaRoots: readonly string[]): Promise<DoctorCheck[]> {
  const name = `media server ${server.label}`;
  const key = `mediaServers[${index}]`;
  try {
    const id = await server.identity();
    const checks: DoctorCheck[] = [{ name, ok: true, detail: `reachable: "${id.name}" version ${id.version}` }];
    let folders: string[];
    try {
      folders = await server.libraryFolders();
    } catch (e) {
      const refused = serverStatus(e) === 401 || serverStatus(e) === 403;
      return [...checks, { name: `${name} token`, ok: false, detail: DubarrError.from(e).message,
        fix: refused ? `set ${key}.token to ${server.kind === 'plex' ? "the server owner's X-Plex-Token" : 'an API key (Dashboard -> API Keys)'}` : `check ${key}.url` }];
    }
    return [...checks, { name: `${name} token`, ok: true, detail: `accepted; ${folders.length} library folder${folders.length === 1 ? '' : 's'}` }, paths(name, key, server, folders, mediaRoots)];
  } catch (e) {
    return [{ name, ok: false, detail: DubarrError.from(e).message, fix: `check ${key}.url: is the server running, and reachable from this machine at that address?` }];
  }
}

function paths(name: string, key: string, server: MediaServer, folders: string[], mediaRoots: readonly string[]): DoctorCheck {
  const mapped = folders.map((f) => ({ theirs: f, ours: toOurs(f, server.config.pathMap).path }));
  const unseen = mapped.filter((m) => !existsSync(m.ours));
  const outside = mapped.filter((m) => existsSync(m.ours) && !mediaRoots.some((r) => isInside(m.ours, r)));
  const seen = mapped.length - unseen.length;
  const where = (m: { theirs: string; ours: string }) => (m.theirs === m.ours ? m.ours : `${m.theirs} (here ${m.ours})`);
  if (mapped.length === 0) return { name: `${name} media`, ok: false, detail: 'it has no library folders', fix: 'add a library on the server' };
  if (seen === 0) {
    return { name: `${name} media`, ok: false, detail: `none of its library folders is on this machine: ${mapped.map(where).join(', ')}`,
      fix: `map the server's folders to this machine's with ${key}.pathMap ([{from: <its folder>, to: <the same folder here>}])` };
  }
  const problems = [
    ...unseen.map((m) => `${where(m)} is not on this machine`),
    ...outside.map((m) => `${where(m)} is outside server.mediaRoots (webhook jobs on it are refused)`),
  ];
  return problems.length === 0
    ? { name: `${name} media`, ok: true, detail: `sees ${mapped.map(where).join(', ')}` }
    : { name: `${name} media`, ok: true, warning: true, detail: problems.join('; '),
      fix: outside.length > 0 ? `add ${outside.map((m) => m.ours).join(', ')} to server.mediaRoots` : `map the missing folders with ${key}.pathMap` };
}
