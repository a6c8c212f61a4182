import { DubarrError } from '../../plugins/sdk/errors.js';
import { KIND_NAMES, serverKey, type ItemFiles, type LibraryChange, type MediaServer, type MediaServerConfig, type ServerIdentity } from './media-server.js';
import { ServerHttp, serverStatus } from './server-http.js';

/** An item as /Items answers it (Jellyfin and Emby spell their JSON in PascalCase). */
interface BaseItem { Id?: string; Path?: string; Type?: string; MediaType?: string; IsFolder?: boolean }
interface ItemsResult { Items?: BaseItem[] }

/** Items whose Path is a video file. */
const VIDEO_TYPES = new Set(['Movie', 'Episode', 'Video', 'MusicVideo']);
/** Items whose episodes a new arrival stands for. */
const SHOW_TYPES = new Set(['Series', 'Season']);

/**
 * Jellyfin and Emby, which share their API's shape: Jellyfin authenticates with
 * `Authorization: MediaBrowser Token="..."` (new servers turn the legacy X-Emby-Token header
 * off), Emby with `X-Emby-Token`. An item is found with GET /Items?ids=...&fields=Path (an API
 * key sees every library without naming a user); an item is refreshed with
 * POST /Items/{id}/Refresh, and new files announced with POST /Library/Media/Updated, which
 * makes the server scan the folders that hold them.
 */
export class MediaBrowserServer implements MediaServer {
  readonly kind: 'jellyfin' | 'emby';
  readonly key: string;
  readonly label: string;
  private readonly http: ServerHttp;

  constructor(readonly config: MediaServerConfig) {
    if (config.kind === 'plex') throw new Error('MediaBrowserServer is for Jellyfin and Emby');
    this.kind = config.kind;
    this.key = serverKey(config);
    this.label = `${KIND_NAMES[config.kind]} at ${config.url}`;
    const auth: Record<string, string> = config.kind === 'jellyfin' ? { authorization: `MediaBrowser Token="${config.token}"` } : { 'x-emby-token': config.token };
    this.http = new ServerHttp(this.label, config.url, auth);
  }

  async identity(signal?: AbortSignal): Promise<ServerIdentity> {
    const info = await this.http.json<{ Id?: string; ServerName?: string; Version?: string }>({ method: 'GET', path: '/System/Info/Public', signal });
    if (!info?.Id) throw new DubarrError('E_MEDIA_SERVER', `${this.label} answered GET /System/Info/Public without a server id: is it a ${KIND_NAMES[this.kind]} server?`);
    return { id: info.Id, name: info.ServerName ?? '', version: info.Version ?? '' };
  }

  async libraryFolders(signal?: AbortSignal): Promise<string[]> {
    const folders = await this.http.json<Array<{ Locations?: string[] }>>({ method: 'GET', path: '/Library/VirtualFolders', signal });
    return (Array.isArray(folders) ? folders : []).flatMap((f) => f.Locations ?? []);
  }

  async itemFiles(itemId: string, signal?: AbortSignal): Promise<ItemFiles> {
    const found = await this.items({ ids: itemId, fields: 'Path', recursive: 'true' }, signal);
    const item = found.find((i) => sameId(i.Id, itemId)) ?? found[0];
    if (!item) throw new DubarrError('E_MEDIA_SERVER', `${this.label} has no item ${itemId} (GET /Items?ids=${itemId})`, { details: { status: 404 } });
    if (item.Type && SHOW_TYPES.has(item.Type)) {
      const episodes = await this.items({ parentId: itemId, recursive: 'true', includeItemTypes: 'Episode', fields: 'Path' }, signal);
      return { paths: episodes.filter(isVideoFile).map((e) => e.Path!), own: false };
    }
    return { paths: isVideoFile(item) ? [item.Path!] : [], own: true };
  }

  async refresh(change: LibraryChange, signal?: AbortSignal): Promise<string[]> {
    const calls: string[] = [];
    if (change.itemId !== undefined && !change.newVideo) {
      const path = `/Items/${encodeURIComponent(change.itemId)}/Refresh`;
      calls.push(`POST ${path}`);
      try {
        await this.http.call({ method: 'POST', path, query: this.refreshQuery(), signal });
        return calls;
      } catch (e) {
        // The item is gone (the server re-created it on a rescan): announce the files instead.
        if (serverStatus(e) !== 404) throw e;
      }
    }
    const updates = [
      ...change.modified.map((Path) => ({ Path, UpdateType: 'Modified' })),
      ...change.created.map((Path) => ({ Path, UpdateType: 'Created' })),
    ];
    await this.http.call({ method: 'POST', path: '/Library/Media/Updated', body: { Updates: updates }, signal });
    return [...calls, 'POST /Library/Media/Updated'];
  }

  /** A refresh that re-reads the file (new streams, sidecar tracks and subtitles) without replacing metadata or images. */
  private refreshQuery(): Record<string, string> {
    return this.kind === 'jellyfin'
      ? { metadataRefreshMode: 'Default', imageRefreshMode: 'Default', replaceAllMetadata: 'false', replaceAllImages: 'false' }
      : { Recursive: 'true', MetadataRefreshMode: 'Default', ImageRefreshMode: 'Default', ReplaceAllMetadata: 'false', ReplaceAllImages: 'false' };
  }

  private async items(query: Record<string, string>, signal?: AbortSignal): Promise<BaseItem[]> {
    const r = await this.http.json<ItemsResult>({ method: 'GET', path: '/Items', query, signal });
    return Array.isArray(r?.Items) ? r.Items : [];
  }
}

function isVideoFile(i: BaseItem): boolean {
  return typeof i.Path === 'string' && i.Path !== '' && i.IsFolder !== true && ((i.Type !== undefined && VIDEO_TYPES.has(i.Type)) || i.MediaType === 'Video');
}

/** Jellyfin writes ids without dashes, templates with them: the same GUID either way. */
export function sameId(a: string | undefined, b: string): boolean {
  return a !== undefined && a.replaceAll('-', '').toLowerCase() === b.replaceAll('-', '').toLowerCase();
}
