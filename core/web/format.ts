/** How numbers, sizes, times and languages read on the page. */
const languageNames = (() => {
  try { return new Intl.DisplayNames([navigator.language, 'en'], { type: 'language' }); } catch { return undefined; }
})();

/** 'Spanish (es)', or the code alone when the browser does not know it. */
export function languageName(code: string): string {
  let name: string | undefined;
  try { name = languageNames?.of(code); } catch { name = undefined; }
  return name && name !== code ? `${name} (${code})` : code;
}

export function percent(fraction: number): string {
  return `${Math.floor(Math.max(0, Math.min(1, fraction)) * 100)} %`;
}

export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

/** 'about 3 min left'. */
export function eta(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  const h = Math.floor(seconds / 3600);
  return `about ${h} h ${Math.round((seconds - h * 3600) / 60)} min left`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The file name of a path (server paths use '/'; Windows-made names may carry '\\'). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
