/**
 * Providers that only declare languages, for tests of the provider catalog's rules (what pairs
 * are listed, who translates and who speaks them). They use the codes ISO 639 reserves for local
 * use (qaa, qab, ...), which no real engine installs, so real providers never share their pairs.
 * Their stages are never run; the entry is the test plugins' no-op stage.
 */
import { z } from 'zod';
import { definePlugin, type LanguageSupport } from '../../plugins/sdk/plugin.js';

export function languagesOnly(name: string, capability: 'translate' | 'synthesize', languages: LanguageSupport | undefined, o: { offUnlessOn?: boolean } = {}) {
  return definePlugin({
    name,
    version: '1.0.0',
    options: z.object({ on: z.boolean().default(false) }),
    stages: [{ id: `${name}:${capability}`, capability, languages, runIn: 'main', entry: new URL('../plugins/test-stages/noop.js', import.meta.url) }],
    // A provider whose engine is missing unless the test switches it on (plugins.options.<name>.on).
    available: async (opts) => (!o.offUnlessOn || opts.on ? { ok: true } : { ok: false, reason: `switched off: set plugins.options.${name}.on` }),
  });
}
