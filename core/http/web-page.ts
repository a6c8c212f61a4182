/**
 * The web page at `/`: a static shell (HTML, CSS, ES modules compiled from core/web by setup,
 * and tus-js-client's prebuilt browser file), all served from this process and nothing from
 * elsewhere, so it works offline. The page holds no data: everything it shows it fetches from
 * the API with the key the user gives it, which is why its files answer without a key.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { distRoot, packageRoot } from '../app/paths.js';

interface Asset { file: string; type: string }

const WEB_SOURCES = join(packageRoot, 'core', 'web');
const WEB_BUILD = join(distRoot, 'core', 'web');

/** Browser modules: each core/web/*.ts compiled by `tsc -p core/web` (core/setup/setup.sh). */
const MODULES = readdirSync(WEB_SOURCES).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3));

/** URL path -> file. A fixed list: no request path ever reaches the file system. */
const ASSETS = new Map<string, Asset>([
  ['/', { file: join(WEB_SOURCES, 'index.html'), type: 'text/html; charset=utf-8' }],
  ['/web/style.css', { file: join(WEB_SOURCES, 'style.css'), type: 'text/css; charset=utf-8' }],
  ['/web/vendor/tus.min.js', { file: join(packageRoot, 'node_modules', 'tus-js-client', 'dist', 'tus.min.js'), type: 'text/javascript; charset=utf-8' }],
  ...MODULES.map((m): [string, Asset] => [`/web/${m}.js`, { file: join(WEB_BUILD, `${m}.js`), type: 'text/javascript; charset=utf-8' }]),
]);

/** The page's own files, which the request guard lets through without an API key. */
export function isPageAsset(path: string): boolean {
  return ASSETS.has(path);
}

/**
 * Only this origin's scripts, styles, media and API; no inline script, no framing (the page
 * holds an API key in localStorage: nothing foreign may run beside it).
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
  + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function webPageRoutes(): Hono {
  const app = new Hono();
  // Read once per process: a few files of a few kB (tus-js-client is the largest, 87 kB).
  const loaded = new Map<string, Promise<{ body: Buffer; etag: string } | undefined>>();
  const load = (asset: Asset) => {
    let p = loaded.get(asset.file);
    if (!p) {
      p = readFile(asset.file).then(
        (body) => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }),
        () => { loaded.delete(asset.file); return undefined; },
      );
      loaded.set(asset.file, p);
    }
    return p;
  };
  for (const [path, asset] of ASSETS) {
    app.get(path, async (c) => {
      const got = await load(asset);
      if (!got) return c.text(`The web page is not built (${asset.file} is missing): run npm run setup\n`, 503);
      // no-cache: the browser revalidates (a 304 by ETag), so a new version shows at the next reload.
      const headers = {
        'content-type': asset.type, etag: got.etag, 'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff', 'content-security-policy': CSP, 'referrer-policy': 'no-referrer',
      };
      if (c.req.header('if-none-match') === got.etag) return c.body(null, 304, headers);
      return c.body(new Uint8Array(got.body), 200, headers);
    });
  }
  return app;
}
