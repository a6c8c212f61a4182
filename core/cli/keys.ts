import type { ApiKeyInfo, ApiKeys } from '../auth/api-keys.js';

/** `keys create`: the key goes alone on the last line, so `dubarr keys create --name x | tail -n1` captures it. */
export function createKeyText(keys: ApiKeys, name: string): string {
  const k = keys.create(name);
  return [
    `Created API key ${k.id} '${k.name}'. Copy it now: it is not stored and cannot be shown again.`,
    'Send it as `Authorization: Bearer <key>` or `X-Api-Key: <key>`.',
    k.key,
  ].join('\n');
}

/** `keys list`: id, name, created, last used; never the key (only its hash exists). */
export function listKeysText(keys: ApiKeys): string {
  const rows = keys.list();
  if (rows.length === 0) return 'No API keys. Create one with `dubarr keys create --name <name>`.';
  const table = [['ID', 'NAME', 'CREATED', 'LAST USED'], ...rows.map(keyRow)];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table.map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]!))).join('  ')).join('\n');
}

function keyRow(k: ApiKeyInfo): string[] {
  const when = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [k.id, k.name, when(k.createdAt), k.lastUsedAt === undefined ? 'never' : when(k.lastUsedAt)];
}
