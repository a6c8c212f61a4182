import { isIP } from 'node:net';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Config } from '../config/schema.js';

/** Whether an address (or name) only ever reaches this machine. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/**
 * Requests need an API key when the server listens beyond loopback (0.0.0.0, a LAN address,
 * a host name) or the config asks for keys everywhere. The rule follows the listen address,
 * not the client's: behind a port forward or a proxy on this machine every client looks local.
 */
export function apiKeyRequired(server: Config['server']): boolean {
  return server.requireApiKey || !isLoopbackAddress(server.host);
}

/** `serve` stops here, before binding, when keys are required and none exists. */
export function assertServableWith(server: Config['server'], keyCount: number): void {
  if (!apiKeyRequired(server) || keyCount > 0) return;
  const why = server.requireApiKey ? 'server.requireApiKey is true' : `server.host is ${server.host}, which other machines can reach`;
  throw new DubarrError('E_API_KEY_REQUIRED',
    `Not started: ${why}, so every request needs an API key, and none exists. Create one with \`dubarr keys create --name <name>\` (it is printed once), then start again; or listen on 127.0.0.1 only`);
}
