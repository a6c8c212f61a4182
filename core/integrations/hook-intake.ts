import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Config } from '../config/schema.js';
import { isDubarrOutput } from '../../plugins/sdk/sidecar-name.js';
import type { FileDecision, SkipReason } from '../library/file-decision.js';
import type { LibraryService } from '../library/library-service.js';
import type { HookRequest } from './hook-request.js';
import type { MediaServers } from './media-servers.js';
import { toOurs, type PathMapEntry } from './path-map.js';

export type HookSource = 'sonarr' | 'radarr' | 'jellyfin' | 'plex' | 'emby' | 'path';

/** What a webhook led to, file by file: the answer its sender gets. */
export interface HookOutcome {
  source: HookSource;
  event: string;
  queued: Array<{ job: string; path: string }>;
  skipped: Array<{ path: string; reason: string; job?: string }>;
  failed: Array<{ path: string; error: DubarrError }>;
  /** Why nothing was looked at (a test, an event dubarr does not act on). */
  ignored?: string;
}

interface Target { path: string; sent: string; mapped: boolean; mediaItem?: { server: string; id: string } }

/** What the sender is told about a file that got no job, by the library's reason. */
const SKIPPED: Record<Exclude<SkipReason, 'refused'>, string> = {
  pending: 'a job on this file is already queued or running',
  done: 'a job has dubbed this file since it last changed',
  present: 'it already has every target language',
  delivered: 'dubarr wrote this file',
  failed: 'a job on this file failed for good; it is looked at again when the file changes',
  'retry-later': 'its last job failed; it is queued again after a wait (watch.retry)',
  'gave-up': 'its jobs failed watch.retry.maxAttempts times; it is looked at again when the file changes',
  cancelled: 'its job was cancelled; it is looked at again when the file changes',
  busy: 'an in-place job on a file beside it may be writing it',
  changing: 'it changed while it was looked at',
};

export interface HookIntakeDeps {
  /** Decides per file, as for a watched folder: one job per file's content, languages it has skipped. */
  library: LibraryService;
  servers: MediaServers;
  config: Pick<Config, 'hooks'>;
  log: Logger;
}

/**
 * Turns a parsed webhook into jobs, through the jobs service: the sender's paths mapped to
 * dubarr's (hooks.pathMap), or an item looked up on the media server that sent it (its paths
 * mapped by that server's pathMap), each decided by the library service as a watched folder's
 * file is (a record per file: one job per content, languages it already has skipped, failures
 * retried with backoff) at webhook priority with the hooks settings, and held to server.mediaRoots.
 */
export class HookIntake {
  constructor(private readonly d: HookIntakeDeps) {}

  async handle(source: HookSource, req: HookRequest, signal?: AbortSignal): Promise<HookOutcome> {
    const out: HookOutcome = { source, event: req.event, queued: [], skipped: [], failed: [] };
    if (req.kind === 'none') {
      this.d.log.info({ source, event: req.event, reason: req.reason }, 'webhook: nothing to do');
      return { ...out, ignored: req.reason };
    }
    const targets = await this.targets(req, signal);
    if (targets.length === 0) {
      this.d.log.info({ source, event: req.event }, 'webhook: the item has no video file');
      return { ...out, ignored: 'the item has no video file' };
    }
    for (const t of targets) {
      try {
        if (!t.path.startsWith('/')) throw new DubarrError('E_PATH_NOT_ALLOWED', `${JSON.stringify(t.path)} is not a path on this machine`);
        if (isDubarrOutput(t.path)) {
          out.skipped.push({ path: t.path, reason: SKIPPED.delivered });
          continue;
        }
        const d = await this.decide(t);
        if (d.action === 'queue') {
          out.queued.push({ job: d.jobId!, path: d.path });
          this.d.log.info({ source, event: req.event, job: d.jobId, input: d.path }, 'webhook: queued');
        } else if (d.reason === 'refused') {
          throw new DubarrError((d.errorCode ?? 'E_INTERNAL') as 'E_INTERNAL', `The job for ${d.path} was refused (${d.errorCode}); see the server log`);
        } else {
          out.skipped.push({ path: d.path, reason: SKIPPED[d.reason!], job: d.jobId });
          this.d.log.info({ source, event: req.event, input: d.path, job: d.jobId, reason: d.reason }, 'webhook: skipped');
        }
      } catch (e) {
        const error = explained(DubarrError.from(e), t);
        out.failed.push({ path: t.path, error });
        this.d.log.warn({ source, event: req.event, input: t.path, code: error.code, err: error.message }, 'webhook: refused');
      }
    }
    return out;
  }

  /** The library's decision on one file, with the hooks settings over the watched folder's (or the pipeline's) that hold it. */
  private async decide(t: Target): Promise<FileDecision> {
    const hooks = this.d.config.hooks;
    const folder = this.d.library.settingsFor(t.path);
    const settings = { ...folder, preset: hooks.preset || folder.preset, mode: hooks.mode || folder.mode };
    const d = await this.d.library.consider(t.path, {
      origin: 'webhook', door: 'api', settings, mediaItem: t.mediaItem,
      targetLanguages: hooks.targetLanguages.length > 0 ? hooks.targetLanguages : undefined,
      // The sender says the import is done: the file as it is now is complete.
      settled: await stat(t.path).then((st) => ({ size: st.size, mtimeMs: st.mtimeMs }), () => undefined),
    });
    if (!d) throw new DubarrError('E_INPUT_NOT_FOUND', `No file at ${t.path}`);
    return d;
  }

  private async targets(req: Exclude<HookRequest, { kind: 'none' }>, signal?: AbortSignal): Promise<Target[]> {
    const hooksMap = this.d.config.hooks.pathMap;
    if (req.kind === 'files') return unique(req.paths.map((p) => target(p, hooksMap)));
    const server = await this.d.servers.sender(req.server, req.serverId, signal);
    const found = req.paths ? { paths: req.paths, own: true } : await server.itemFiles(req.itemId, signal);
    // A server's paths go through its own map; one it does not cover may still be a hooks.pathMap folder.
    return unique(found.paths.map((p) => {
      const t = target(p, server.config.pathMap);
      return { ...(t.mapped ? t : target(p, hooksMap)), mediaItem: found.own ? { server: server.key, id: req.itemId } : undefined };
    }));
  }
}

function target(sent: string, map: readonly PathMapEntry[]): Target {
  const { path, matched } = toOurs(sent, map);
  return { path, sent, mapped: matched };
}

const unique = (ts: Target[]) => ts.filter((t, i) => ts.findIndex((u) => u.path === t.path) === i);

/** A path error says what the sender named and which setting maps it: the usual mistake is a missing pathMap entry. */
function explained(err: DubarrError, t: Target): DubarrError {
  if (err.code !== 'E_PATH_NOT_ALLOWED' && err.code !== 'E_INPUT_NOT_FOUND') return err;
  const how = t.mapped ? `mapped from ${JSON.stringify(t.sent)}` : 'as sent: no pathMap entry matched it';
  return new DubarrError(err.code, `${err.message} (${how}; hooks.pathMap and mediaServers[].pathMap map the sender's folders to dubarr's, and server.mediaRoots must hold them)`, { cause: err });
}
