import type { Config } from '../config/schema.js';

export type MediaServerConfig = Config['mediaServers'][number];
export type MediaServerKind = MediaServerConfig['kind'];

/** What a server says about itself without a token. */
export interface ServerIdentity { id: string; name: string; version: string }

export interface ItemFiles {
  paths: string[];
  /** They are the item's own files (a movie, an episode), so refreshing the item shows the dub; not so for a show's episodes. */
  own: boolean;
}

/** How a server is told that files of its library changed; every path in the server's own view. */
export interface LibraryChange {
  /** The server's id of the item the job worked on, when known (it sent the webhook). */
  itemId?: string;
  /** The item's own file, when the job changed it (in place). */
  modified: string[];
  /** Files the job added beside it: a dubbed version, sidecar tracks and subtitles. */
  created: string[];
  /** Whether a new video is among `created` (a dubbed version): the server must scan for it; an item refresh would not find it. */
  newVideo: boolean;
}

/** One configured Jellyfin, Plex or Emby server, as the integrations use it. */
export interface MediaServer {
  readonly kind: MediaServerKind;
  readonly config: MediaServerConfig;
  /** '<kind> <url>': names the server in job options (the item a webhook job came from). */
  readonly key: string;
  /** 'Jellyfin at http://jellyfin:8096', for messages (never the token). */
  readonly label: string;
  /** Its id and version; needs no token. */
  identity(signal?: AbortSignal): Promise<ServerIdentity>;
  /** The folders of its libraries, in its own paths; fails when the token is refused. */
  libraryFolders(signal?: AbortSignal): Promise<string[]>;
  /** The video files of an item, in its own paths: a movie's or an episode's own, or every episode's of a show or season. */
  itemFiles(itemId: string, signal?: AbortSignal): Promise<ItemFiles>;
  /** Tells it about changed files; returns the calls made ('POST /Items/1/Refresh'), for the log. */
  refresh(change: LibraryChange, signal?: AbortSignal): Promise<string[]>;
}

export const KIND_NAMES: Record<MediaServerKind, string> = { jellyfin: 'Jellyfin', plex: 'Plex', emby: 'Emby' };

export function serverKey(c: Pick<MediaServerConfig, 'kind' | 'url'>): string {
  return `${c.kind} ${c.url.replace(/\/+$/, '')}`;
}
