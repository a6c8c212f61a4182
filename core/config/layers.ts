/*
 * Stacking config layers (defaults, file, env, overrides) while remembering which layer set
 * each value, so a validation problem can name the file or variable to fix.
 *
 * Objects (including maps such as stages.concurrency) merge key by key, so a file that sets
 * one capability's limit keeps the others; lists and scalars replace. `undefined` is skipped,
 * which lets CLI flags pass every option and only the given ones count.
 */

type Path = readonly PropertyKey[];

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export class LayeredValue {
  value: Record<string, unknown> = {};
  private readonly sources = new Map<string, { path: Path; source: string }>();

  apply(layer: unknown, source: string, at: Path = []): void {
    this.value = this.merge(this.value, layer, source, [], at) as Record<string, unknown>;
  }

  /** The layer that set the value at `path`, or at the nearest key above it. */
  sourceOf(path: Path): string {
    for (let n = path.length; n >= 0; n--) {
      const hit = this.sources.get(pathKey(path.slice(0, n)));
      if (hit) return hit.source;
    }
    const below = new Set([...this.sources.values()].filter((s) => startsWith(s.path, path)).map((s) => s.source));
    return below.size ? [...below].join(', ') : 'default';
  }

  /** The merged input value at `path`, before validation. */
  rawAt(path: Path): unknown {
    let cur: unknown = this.value;
    for (const seg of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[seg] : undefined;
    return cur;
  }

  private merge(target: unknown, layer: unknown, source: string, path: Path, at: Path): unknown {
    if (path.length < at.length) {
      const seg = String(at[path.length]);
      const out = copyOf(isPlainObject(target) ? target : {});
      setKey(out, seg, this.merge(out[seg], layer, source, [...path, seg], at));
      return out;
    }
    if (isPlainObject(layer)) {
      if (!isPlainObject(target)) this.forget(path);
      const out = copyOf(isPlainObject(target) ? target : {});
      for (const [k, v] of Object.entries(layer)) {
        if (v !== undefined) setKey(out, k, this.merge(out[k], v, source, [...path, k], at));
      }
      return out;
    }
    this.forget(path);
    this.sources.set(pathKey(path), { path, source });
    return layer;
  }

  private forget(path: Path): void {
    for (const [k, s] of this.sources) if (startsWith(s.path, path)) this.sources.delete(k);
  }
}

function copyOf(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.defineProperties({}, Object.getOwnPropertyDescriptors(obj)) as Record<string, unknown>;
}

// defineProperty, not assignment: a '__proto__' key from a file must stay a plain key so the
// strict schema reports it, instead of silently replacing the object's prototype.
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function pathKey(path: Path): string {
  return JSON.stringify(path.map(String));
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => String(seg) === String(path[i]));
}
