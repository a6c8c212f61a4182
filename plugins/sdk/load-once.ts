/**
 * A lazily loaded resource (a module, a model) shared by every caller in this thread: `load`
 * runs once and its promise is shared, but a rejected promise is forgotten, so a load that
 * failed (a package mid-upgrade, a file briefly missing) is tried again by the next caller
 * instead of failing every later call for the life of the worker.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    if (!loading) {
      const p = load();
      loading = p;
      p.catch(() => { if (loading === p) loading = undefined; });
    }
    return loading;
  };
}
