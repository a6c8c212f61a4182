/**
 * Webhooks of the media servers, each announcing a new library item:
 * - Jellyfin (jellyfin-plugin-webhook, a Generic destination with "Send All Properties"): a JSON
 *   object whose keys are the plugin's template variables, NotificationType 'ItemAdded', ItemId
 *   (a GUID, without dashes when serialised, with them from a template), ItemType, ServerId.
 *   The plugin sends it as text/plain unless told otherwise. The file is asked of the server.
 * - Plex (Account settings -> Webhooks): multipart/form-data whose `payload` field is JSON with
 *   event 'library.new', Metadata.ratingKey and Metadata.type, Server.uuid.
 * - Emby (Settings -> Webhooks): JSON, or a form whose `data` field is that JSON, with Event
 *   'library.new', Item.Id, Item.Path, Item.Type, Server.Id.
 * - /hooks/path, for scripts, Tautulli or Tdarr: { "path": "/the/file.mkv" }.
 */
import { z } from 'zod';
import { malformed, type HookRequest } from './hook-request.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const GUID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Item types whose files are videos, or stand for videos (a show or season added at once). */
const JELLYFIN_TYPES = new Set(['Movie', 'Episode', 'Series', 'Season', 'Video', 'MusicVideo']);
const PLEX_TYPES = new Set(['movie', 'episode', 'show', 'season', 'clip']);
const EMBY_FILE_TYPES = new Set(['Movie', 'Episode', 'Video', 'MusicVideo']);
const EMBY_TYPES = new Set([...EMBY_FILE_TYPES, 'Series', 'Season']);

const notVideo = (event: string, type: string): HookRequest => ({ kind: 'none', event, reason: `a ${type}: only videos are dubbed` });

export function jellyfinRequest(body: unknown): HookRequest {
  if (!isObject(body)) throw malformed('Jellyfin', 'the body is not a JSON object');
  // Template authors spell the variables as they like; the plugin's own are PascalCase.
  const lower = new Map(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
  const str = (k: string) => { const v = lower.get(k.toLowerCase()); return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined; };
  const event = str('NotificationType');
  if (!event) throw malformed('Jellyfin', 'NotificationType is missing (use a Generic destination with "Send All Properties")');
  if (event !== 'ItemAdded') return { kind: 'none', event, reason: 'only ItemAdded is acted on' };
  const itemId = str('ItemId');
  if (!itemId || !GUID.test(itemId)) throw malformed('Jellyfin', `ItemId: expected an item id (a GUID), got ${JSON.stringify(lower.get('itemid') ?? null)}`);
  const type = str('ItemType');
  if (type && !JELLYFIN_TYPES.has(type)) return notVideo(event, type);
  return { kind: 'item', event, server: 'jellyfin', serverId: str('ServerId'), itemId };
}

const PlexPayload = z.looseObject({
  event: z.string().min(1),
  Server: z.looseObject({ uuid: z.string().min(1).optional() }).optional(),
  Metadata: z.looseObject({
    ratingKey: z.union([z.string().regex(/^\d+$/, 'expected a number'), z.int().nonnegative()]).optional(),
    type: z.string().optional(),
  }).optional(),
});

export function plexRequest(body: unknown): HookRequest {
  const p = PlexPayload.safeParse(body);
  if (!p.success) throw malformed('Plex', p.error.issues);
  const { event, Metadata: meta, Server: server } = p.data;
  if (event !== 'library.new') return { kind: 'none', event, reason: 'only library.new is acted on' };
  if (meta?.ratingKey === undefined) throw malformed('Plex', 'Metadata.ratingKey is missing');
  if (meta.type && !PLEX_TYPES.has(meta.type)) return notVideo(event, meta.type);
  return { kind: 'item', event, server: 'plex', serverId: server?.uuid, itemId: String(meta.ratingKey) };
}

const EmbyPayload = z.looseObject({
  Event: z.string().min(1),
  Server: z.looseObject({ Id: z.string().min(1).optional() }).optional(),
  Item: z.looseObject({
    Id: z.union([z.string().min(1), z.int().nonnegative()]),
    Path: z.string().min(1).optional(),
    Type: z.string().optional(),
    IsFolder: z.boolean().optional(),
  }).optional(),
});

export function embyRequest(body: unknown): HookRequest {
  const p = EmbyPayload.safeParse(body);
  if (!p.success) throw malformed('Emby', p.error.issues);
  const { Event: event, Item: item, Server: server } = p.data;
  if (event !== 'library.new') return { kind: 'none', event, reason: 'only library.new is acted on' };
  if (!item) throw malformed('Emby', 'Item is missing');
  if (item.Type && !EMBY_TYPES.has(item.Type)) return notVideo(event, item.Type);
  // A movie's or an episode's Path is its file; a show's or a season's is a folder, whose episodes the server lists.
  const isFile = item.Path !== undefined && item.IsFolder !== true && (item.Type === undefined || EMBY_FILE_TYPES.has(item.Type));
  return { kind: 'item', event, server: 'emby', serverId: server?.Id, itemId: String(item.Id), paths: isFile ? [item.Path!] : undefined };
}

const PathPayload = z.strictObject({ path: z.string().min(1) });

export function pathRequest(body: unknown): HookRequest {
  const p = PathPayload.safeParse(body);
  if (!p.success) throw malformed('/hooks/path', `${p.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')} (send {"path": "/the/file.mkv"})`);
  return { kind: 'files', event: 'path', paths: [p.data.path] };
}
