/**
 * `npm run bench -- <name> [...]`: runs test/bench/<name>.js (core, ffmpeg, dub, ...).
 * Benchmarks print their figures and end with one `RESULT <name> key=value ...` line.
 * They are never part of the pass/fail suite.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(here).filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.includes('.lib.')).map((f) => f.slice(0, -3));
const names = process.argv.slice(2);
if (names.length === 0 || names.some((n) => !available.includes(n))) {
  console.error(`usage: npm run bench -- <${available.join('|')}> ...`);
  process.exit(2);
}
for (const name of names) {
  const file = join(here, `${name}.js`);
  if (!existsSync(file)) continue;
  const mod = (await import(pathToFileURL(file).href)) as { default: () => Promise<void> };
  await mod.default();
}
