import { createHash, timingSafeEqual } from 'node:crypto';
import { DubarrError } from '../../plugins/sdk/errors.js';

/** Every webhook route lives under this prefix, and every one is authorized by hooks.token alone. */
export const HOOKS_PREFIX = '/hooks/';

export const isHookPath = (path: string) => path.startsWith(HOOKS_PREFIX) || path === '/hooks';

/**
 * Checks the token a webhook presented (?token= or X-Dubarr-Token) against hooks.token; throws
 * E_HOOKS_OFF while none is configured, E_HOOK_TOKEN for a missing or wrong one. Compared as
 * SHA-256 digests with timingSafeEqual: equal lengths, and the time taken says nothing about
 * how much of the token was right.
 */
export function checkHookToken(configured: string, presented: string | undefined): void {
  if (configured === '') throw new DubarrError('E_HOOKS_OFF', 'Webhooks are off on this server: hooks.token is not set');
  if (presented === undefined || presented === '') throw new DubarrError('E_HOOK_TOKEN', 'This webhook carries no token');
  if (!timingSafeEqual(digest(presented), digest(configured))) throw new DubarrError('E_HOOK_TOKEN', 'The webhook token is not the one in hooks.token');
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
