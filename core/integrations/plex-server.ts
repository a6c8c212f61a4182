import { DubarrError } from '../../plugins/sdk/errors.js';
import { KIND_NAMES, serverKey, type ItemFiles, type LibraryChange, type MediaServer, type MediaServerConfig, type ServerIdentity } from './media-server.js';
import { isInside, parentFolder } from './path-map.js';
import { ServerHttp, serverStatus } from './server-http.js';

interface PlexPart { file?: string }
interface PlexMetadata { ratingKey?: string | number; type?: string; Media?: Array<{ Part?: PlexPart[] }> }
interface PlexSection { key?: string | number; type?: string; Location?: Array<{ path?: string }> }
interface Container<T> { MediaContainer?: T }

/** Items whose own parts are the video files. */
const VIDEO_TYPES = new Set(['movie', 'episode', 'clip']);
/** Items whose episodes (allLeaves) a new arrival stands for: Plex may announce a whole show or season. */
const SHOW_TYPES = new Set(['show', 'season']);

/**
 * Plex Media Server. Every call carries `X-Plex-Token` and asks for JSON (`Accept:
 * application/json`; Plex answers XML otherwise). An item's files are the `file` of each
 * `Media[].Part[]` of /library/metadata/{ratingKey}; an item is refreshed with
 * PUT /library/metadata/{ratingKey}/refresh, and new files found with a partial scan,
 * GET /library/sections/{id}/refresh?path=<folder>, of the library section holding them.
 */
export class PlexServer implements MediaServer {
  readonly kind = 'plex' as const;
  readonly key: string;
  readonly label: string;
  private readonly http: ServerHttp;

  constructor(readonly config: MediaServerConfig) {
    this.key = serverKey(config);
    this.label = `${KIND_NAMES.plex} at ${config.url}`;
    this.http = new ServerHttp(this.label, config.url, { 'x-plex-token': config.token });
  }

  async identity(signal?: AbortSignal): Promise<ServerIdentity> {
    const r = await this.http.json<Container<{ machineIdentifier?: string; version?: string; friendlyName?: string }>>({ method: 'GET', path: '/identity', signal });
    const c = r?.MediaContainer;
    if (!c?.machineIdentifier) throw new DubarrError('E_MEDIA_SERVER', `${this.label} answered GET /identity without a machineIdentifier: is it a Plex Media Server?`);
    return { id: c.machineIdentifier, name: c.friendlyName ?? '', version: c.version ?? '' };
  }

  async libraryFolders(signal?: AbortSignal): Promise<string[]> {
    return (await this.sections(signal)).flatMap((s) => (s.Location ?? []).map((l) => l.path).filter((p): p is string => typeof p === 'string'));
  }

  async itemFiles(ratingKey: string, signal?: AbortSignal): Promise<ItemFiles> {
    const item = (await this.metadata(`/library/metadata/${encodeURIComponent(ratingKey)}`, signal))[0];
    if (!item) throw new DubarrError('E_MEDIA_SERVER', `${this.label} has no item ${ratingKey} (GET /library/metadata/${ratingKey})`, { details: { status: 404 } });
    if (item.type && SHOW_TYPES.has(item.type)) {
      return { paths: (await this.metadata(`/library/metadata/${encodeURIComponent(ratingKey)}/allLeaves`, signal)).flatMap(files), own: false };
    }
    return { paths: item.type === undefined || VIDEO_TYPES.has(item.type) ? files(item) : [], own: true };
  }

  async refresh(change: LibraryChange, signal?: AbortSignal): Promise<string[]> {
    const calls: string[] = [];
    if (change.itemId !== undefined && !change.newVideo) {
      const path = `/library/metadata/${encodeURIComponent(change.itemId)}/refresh`;
      calls.push(`PUT ${path}`);
      try {
        await this.http.call({ method: 'PUT', path, signal });
        return calls;
      } catch (e) {
        // The item is gone (Plex gave it a new ratingKey): scan the folder instead.
        if (serverStatus(e) !== 404) throw e;
      }
    }
    const folders = [...new Set([...change.modified, ...change.created].map(parentFolder))];
    const sections = await this.sections(signal);
    for (const folder of folders) {
      const section = sections.find((s) => (s.Location ?? []).some((l) => typeof l.path === 'string' && isInside(folder, l.path)));
      if (!section?.key) throw new DubarrError('E_MEDIA_SERVER', `${this.label} has no library section holding ${folder}`);
      const path = `/library/sections/${encodeURIComponent(String(section.key))}/refresh`;
      await this.http.call({ method: 'GET', path, query: { path: folder }, signal });
      calls.push(`GET ${path}?path=…`);
    }
    return calls;
  }

  private async sections(signal?: AbortSignal): Promise<PlexSection[]> {
    const r = await this.http.json<Container<{ Directory?: PlexSection[] }>>({ method: 'GET', path: '/library/sections', signal });
    return r?.MediaContainer?.Directory ?? [];
  }

  private async metadata(path: string, signal?: AbortSignal): Promise<PlexMetadata[]> {
    try {
      const r = await this.http.json<Container<{ Metadata?: PlexMetadata[] }>>({ method: 'GET', path, signal });
      return r?.MediaContainer?.Metadata ?? [];
    } catch (e) {
      if (serverStatus(e) === 404) return [];
      throw e;
    }
  }
}

function files(item: PlexMetadata): string[] {
  return (item.Media ?? []).flatMap((m) => (m.Part ?? []).map((p) => p.file)).filter((f): f is string => typeof f === 'string' && f !== '');
}
