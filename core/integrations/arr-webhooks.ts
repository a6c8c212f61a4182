/**
 * Sonarr and Radarr webhooks (Settings -> Connect -> Webhook), v3 and v4 alike: JSON with an
 * `eventType` in PascalCase and camelCase fields. An import and an upgrade are both
 * eventType 'Download' (an upgrade says isUpgrade: true and lists deletedFiles); Sonarr v4's
 * import of a whole download ("On Import Complete") is a 'Download' too, with `episodeFiles`
 * instead of `episodeFile`. 'Test' is the button in their settings. The file is
 * series.path + episodeFile.relativePath (Radarr: movie.folderPath + movieFile.relativePath),
 * or the file's own `path` when the folder is missing.
 */
import { z } from 'zod';
import { malformed, type HookRequest } from './hook-request.js';
import { joinSenderPath } from './path-map.js';

const text = z.string().min(1);
const file = z.looseObject({ relativePath: text.optional(), path: text.optional() });
type ArrFile = z.infer<typeof file>;

const SonarrPayload = z.looseObject({
  eventType: text,
  series: z.looseObject({ path: text.optional() }).optional(),
  episodeFile: file.optional(),
  episodeFiles: z.array(file).optional(),
});

const RadarrPayload = z.looseObject({
  eventType: text,
  movie: z.looseObject({ folderPath: text.optional() }).optional(),
  movieFile: file.optional(),
});

const ACTED_ON = 'only Download (an import or an upgrade) and Test are acted on';

export function sonarrRequest(body: unknown): HookRequest {
  const p = SonarrPayload.safeParse(body);
  if (!p.success) throw malformed('Sonarr', p.error.issues);
  const { eventType: event, series, episodeFile, episodeFiles } = p.data;
  if (event === 'Test') return { kind: 'none', event, reason: 'a test: nothing queued' };
  if (event !== 'Download') return { kind: 'none', event, reason: ACTED_ON };
  const files = [...(episodeFile ? [episodeFile] : []), ...(episodeFiles ?? [])];
  if (files.length === 0) throw malformed('Sonarr', 'a Download event without episodeFile or episodeFiles');
  return { kind: 'files', event, paths: unique(files.map((f, i) => filePath('Sonarr', series?.path, f, i === 0 && episodeFile ? 'episodeFile' : 'episodeFiles'))) };
}

export function radarrRequest(body: unknown): HookRequest {
  const p = RadarrPayload.safeParse(body);
  if (!p.success) throw malformed('Radarr', p.error.issues);
  const { eventType: event, movie, movieFile } = p.data;
  if (event === 'Test') return { kind: 'none', event, reason: 'a test: nothing queued' };
  if (event !== 'Download') return { kind: 'none', event, reason: ACTED_ON };
  if (!movieFile) throw malformed('Radarr', 'a Download event without movieFile');
  return { kind: 'files', event, paths: [filePath('Radarr', movie?.folderPath, movieFile, 'movieFile')] };
}

function filePath(sender: string, folder: string | undefined, f: ArrFile, field: string): string {
  if (folder !== undefined && f.relativePath !== undefined) return joinSenderPath(folder, f.relativePath);
  if (f.path !== undefined) return f.path;
  const holder = sender === 'Sonarr' ? 'series.path' : 'movie.folderPath';
  throw malformed(sender, `${field} has neither relativePath (with ${holder}) nor path`);
}

const unique = (xs: string[]) => [...new Set(xs)];
