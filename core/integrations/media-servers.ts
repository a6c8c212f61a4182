import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Config } from '../config/schema.js';
import { KIND_NAMES, type MediaServer, type MediaServerKind } from './media-server.js';
import { MediaBrowserServer } from './mediabrowser-server.js';
import { PlexServer } from './plex-server.js';

/** The configured media servers (mediaServers), and which of them sent a webhook. */
export class MediaServers {
  readonly all: readonly MediaServer[];
  /** Server ids learnt from /identity or /System/Info/Public: they do not change while a server runs. */
  private readonly ids = new Map<string, string>();

  constructor(configs: Config['mediaServers']) {
    this.all = configs.map((c) => (c.kind === 'plex' ? new PlexServer(c) : new MediaBrowserServer(c)));
  }

  byKey(key: string): MediaServer | undefined { return this.all.find((s) => s.key === key); }

  /**
   * The server of this kind a webhook came from: the only one configured, or the one whose id
   * is `serverId` (the payload's ServerId, Server.uuid or Server.Id). E_MEDIA_SERVER_UNKNOWN when
   * none is configured or none matches.
   */
  async sender(kind: MediaServerKind, serverId: string | undefined, signal?: AbortSignal): Promise<MediaServer> {
    const candidates = this.all.filter((s) => s.kind === kind);
    const name = KIND_NAMES[kind];
    if (candidates.length === 0) throw new DubarrError('E_MEDIA_SERVER_UNKNOWN', `A ${name} webhook arrived, but no ${name} server is configured in mediaServers`);
    if (candidates.length === 1) return candidates[0]!;
    if (serverId === undefined) {
      throw new DubarrError('E_MEDIA_SERVER_UNKNOWN', `${candidates.length} ${name} servers are configured and the webhook does not say which one sent it (no server id in the payload)`);
    }
    for (const s of candidates) {
      if ((await this.idOf(s, signal).catch(() => undefined))?.toLowerCase() === serverId.toLowerCase()) return s;
    }
    throw new DubarrError('E_MEDIA_SERVER_UNKNOWN', `No configured ${name} server has the id ${serverId} (the webhook's sender)`);
  }

  private async idOf(s: MediaServer, signal?: AbortSignal): Promise<string> {
    const known = this.ids.get(s.key);
    if (known) return known;
    const { id } = await s.identity(signal);
    this.ids.set(s.key, id);
    return id;
  }
}
