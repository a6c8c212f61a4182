import type { ErrorCode } from '../../plugins/sdk/errors.js';
import type { Config } from '../config/schema.js';

/**
 * Failures that the same bytes would meet again: the file is queued again only when its content
 * changes. Content: no speech, no audio (or no picture for a preview), unreadable, a codec this
 * FFmpeg lacks, a language nothing in it tells. The user's word: a job they cancelled. Their
 * library: an interrupted swap to resolve by hand, a hard-linked file in-place mode must not
 * replace. After fixing the cause, `dubarr jobs retry <id>` queues such a file again.
 * Every other failure (a provider down, a full disk, a folder not writable, a bug) is retried
 * with backoff, up to watch.retry.maxAttempts.
 */
export const PERMANENT_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'E_NO_SPEECH', 'E_NO_AUDIO_STREAM', 'E_NO_VIDEO_STREAM', 'E_MEDIA_UNREADABLE', 'E_UNSUPPORTED_CODEC', 'E_LANGUAGE_UNKNOWN',
  'E_CANCELLED', 'E_SWAP_UNRESOLVED', 'E_FILE_HARDLINKED',
]);

export function isPermanent(code: string | undefined): boolean {
  return code !== undefined && PERMANENT_ERRORS.has(code as ErrorCode);
}

/**
 * Milliseconds between a failure and the next attempt, after `attempts` jobs on this content:
 * min(maxMinutes, baseMinutes * factor^(attempts-1)). Derived when needed, not stored: a change
 * to watch.retry applies to files already waiting.
 */
export function retryDelayMs(attempts: number, r: Config['watch']['retry']): number {
  return Math.min(r.maxMinutes, r.baseMinutes * r.factor ** Math.max(0, attempts - 1)) * 60_000;
}
