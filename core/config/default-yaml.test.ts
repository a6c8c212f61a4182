import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument, type Document, type YAMLMap } from 'yaml';
import { envName } from './env.js';
import { loadConfig } from './load.js';
import { repoRoot } from './repo-root.js';
import { configSchema, defaultConfig } from './schema.js';
import { arrayElement, objectShape, schemaLeaves } from './schema-walk.js';

// config/default.yaml is documentation; these tests make sure it cannot drift from the schema.
const file = join(repoRoot(), 'config', 'default.yaml');

test('config/default.yaml holds exactly the schema defaults', () => {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  assert.deepEqual(doc.errors, []);
  assert.deepEqual(configSchema.parse(doc.toJS()), defaultConfig());
  const cwd = mkdtempSync(join(tmpdir(), 'dubarr-default-'));
  try {
    assert.deepEqual(loadConfig({ file, env: {}, cwd }), loadConfig({ env: {}, cwd }));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('every key in config/default.yaml has a comment naming its env variable', () => {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const undocumented: string[] = [];
  for (const leaf of schemaLeaves(configSchema)) {
    const key = leaf.path.join('.');
    const comment = commentOf(doc, leaf.path);
    if (comment === undefined) { undocumented.push(`${key}: missing`); continue; }
    const env = envName(leaf.path);
    if (!comment.includes(env)) undocumented.push(`${key}: comment does not name ${env}`);
    // Lists of objects (watch.folders): every field an item may have is explained.
    const item = arrayElement(leaf.schema);
    for (const field of Object.keys((item && objectShape(item)) ?? {})) {
      if (!comment.includes(field)) undocumented.push(`${key}: comment does not mention the item field '${field}'`);
    }
  }
  assert.deepEqual(undocumented, []);
});

/** The comment above (or beside) the key at `path`; yaml files a block's first comment on the block. */
function commentOf(doc: Document, path: string[]): string | undefined {
  let map = doc.contents as YAMLMap | null;
  let comment: string | undefined;
  for (const [depth, seg] of path.entries()) {
    if (!isMap(map)) return undefined;
    const index = map.items.findIndex((p) => isScalar(p.key) && p.key.value === seg);
    if (index < 0) return undefined;
    const pair = map.items[index]!;
    const key = pair.key as { commentBefore?: string | null };
    const value = pair.value as { comment?: string | null } | null;
    comment = [key.commentBefore, index === 0 ? map.commentBefore : undefined, index === 0 && depth === 0 ? doc.commentBefore : undefined, value?.comment]
      .filter((c): c is string => typeof c === 'string' && c.trim() !== '').join('\n') || undefined;
    map = pair.value as YAMLMap | null;
  }
  return comment;
}
