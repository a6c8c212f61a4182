/**
 * Read-only REST for what a client chooses from before it creates a job (the web page's form,
 * scripts): presets, providers with their availability, and the language pairs installed. The
 * same objects GraphQL's presets, providers(capability) and languages give, from the same catalog.
 */
import { Hono } from 'hono';
import type { ProviderCatalog } from '../service/provider-catalog.js';
import { errorResponse } from './error-response.js';

export function catalogRoutes(catalog: ProviderCatalog): Hono {
  const api = new Hono();
  api.onError(errorResponse);
  api.get('/api/presets', (c) => c.json({ items: catalog.presets() }));
  api.get('/api/providers', async (c) => c.json({ items: await catalog.providers(c.req.query('capability') || undefined) }));
  api.get('/api/languages', async (c) => c.json({ items: await catalog.languages() }));
  return api;
}
