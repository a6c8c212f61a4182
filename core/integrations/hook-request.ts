import type { z } from 'zod';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { MediaServerKind } from './media-server.js';

/**
 * What a webhook asks for, whatever sent it: files named by path (the sender's view, mapped with
 * hooks.pathMap), an item of a media server (its files found there), or nothing to do (a test,
 * an event dubarr does not act on).
 */
export type HookRequest =
  | { kind: 'files'; event: string; paths: string[] }
  | { kind: 'item'; event: string; server: MediaServerKind; serverId?: string; itemId: string; paths?: string[] }
  | { kind: 'none'; event: string; reason: string };

/** A payload that does not have the shape its sender documents: 400, with every problem named. */
export function malformed(sender: string, issues: readonly z.core.$ZodIssue[] | string): DubarrError {
  const why = typeof issues === 'string' ? issues : issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  return new DubarrError('E_INVALID_ARGUMENT', `Not a ${sender} webhook payload dubarr can read: ${why}`);
}

/** A JSON body, whatever its Content-Type says (the Jellyfin plugin sends JSON as text/plain). */
export function parseJsonText(sender: string, text: string): unknown {
  if (text.trim() === '') throw malformed(sender, 'the body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw malformed(sender, `the body is not JSON (${(e as Error).message})`);
  }
}
