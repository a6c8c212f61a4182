/**
 * Speakers from voice embeddings: agglomerative clustering with average linkage on cosine
 * similarity, cut where the next merge would join groups less similar than `threshold` (or at
 * a given number of speakers). The dendrogram comes from the nearest-neighbour chain algorithm
 * (O(n²) time, one n×n similarity matrix), which gives average linkage's exact merges.
 *
 * Memory stays bounded on a long film: at most `maxPairwise` embeddings (evenly spread over the
 * film) are clustered pairwise; every other one joins the cluster whose centroid is nearest.
 * Clusters with less speech than `minClusterWeight` (a cough, a short overlap) join the nearest
 * larger cluster, as pyannote's min_cluster_size does.
 */
export interface ClusterOptions {
  /** Cosine similarity: groups at least this similar (on average) are one speaker. */
  threshold: number;
  /** Exactly this many speakers (when there are that many embeddings); overrides threshold. */
  numSpeakers?: number;
  minSpeakers: number;
  maxSpeakers: number;
  maxPairwise: number;
  /** Clusters whose weights (speech ms) add up to less join their nearest larger cluster. */
  minClusterWeight: number;
}

export interface Clusters {
  /** Cluster of each embedding, 0.. in order of first appearance. */
  labels: Int32Array;
  count: number;
  /** Unit-length mean of each cluster's unit embeddings, row-major [count, dim]. */
  centroids: Float32Array;
}

export interface Merge { a: number; b: number; similarity: number }

export function clusterEmbeddings(embeddings: Float32Array, dim: number, weights: ArrayLike<number>, o: ClusterOptions): Clusters {
  const n = dim > 0 ? embeddings.length / dim : 0;
  if (n === 0) return { labels: new Int32Array(0), count: 0, centroids: new Float32Array(0) };
  const unit = normalizeRows(embeddings, dim);
  const m = Math.min(n, Math.max(2, o.maxPairwise));
  const subset = Array.from({ length: m }, (_, i) => Math.floor((i * n) / m));
  const merges = averageLinkage(similarityMatrix(unit, dim, subset), m);
  const parent = unionFind(m);
  for (const mg of merges.slice(0, mergesToApply(merges, m, o))) union(parent, mg.a, mg.b);
  let labels: Int32Array = new Int32Array(n).fill(-1);
  subset.forEach((row, i) => { labels[row] = find(parent, i); });
  let centroids = clusterCentroids(unit, dim, labels);
  for (let i = 0; i < n; i++) if (labels[i] === -1) labels[i] = nearest(unit, i, dim, centroids);
  if (o.numSpeakers === undefined) labels = absorbSmall(unit, dim, labels, weights, o);
  labels = renumberByAppearance(labels);
  centroids = clusterCentroids(unit, dim, labels);
  return { labels, count: centroids.size, centroids: packCentroids(centroids, dim) };
}

/** How many of the sorted merges make the cut: threshold, clamped to the speaker bounds. */
function mergesToApply(merges: readonly Merge[], m: number, o: ClusterOptions): number {
  if (o.numSpeakers !== undefined) return Math.max(0, Math.min(m - 1, m - o.numSpeakers));
  let k = 0;
  while (k < merges.length && merges[k]!.similarity >= o.threshold) k++;
  const most = m - Math.max(1, o.minSpeakers);
  const least = m - o.maxSpeakers;
  return Math.max(0, Math.min(merges.length, Math.min(most, Math.max(least, k))));
}

export function normalizeRows(x: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / dim; r++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += x[r * dim + d]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dim; d++) out[r * dim + d] = x[r * dim + d]! * inv;
  }
  return out;
}

function similarityMatrix(unit: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const m = rows.length;
  const s = new Float32Array(m * m);
  for (let i = 0; i < m; i++) {
    const a = rows[i]! * dim;
    for (let j = i; j < m; j++) {
      const dot = dotAt(unit, a, rows[j]! * dim, dim);
      s[i * m + j] = dot;
      s[j * m + i] = dot;
    }
  }
  return s;
}

/** x[a ..] . x[b ..] over dim values; four running sums (twice as fast in V8 as one). */
function dotAt(x: Float32Array, a: number, b: number, dim: number): number {
  let s0 = 0; let s1 = 0; let s2 = 0; let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += x[a + d]! * x[b + d]!;
    s1 += x[a + d + 1]! * x[b + d + 1]!;
    s2 += x[a + d + 2]! * x[b + d + 2]!;
    s3 += x[a + d + 3]! * x[b + d + 3]!;
  }
  for (; d < dim; d++) s0 += x[a + d]! * x[b + d]!;
  return s0 + s1 + s2 + s3;
}

/**
 * Average-linkage merges, most similar first, by the nearest-neighbour chain: follow nearest
 * neighbours until two are each other's nearest, merge them (Lance-Williams update of the
 * similarity row), repeat. `sim` is overwritten.
 */
export function averageLinkage(sim: Float32Array, m: number): Merge[] {
  const size = new Float64Array(m).fill(1);
  const active = new Uint8Array(m).fill(1);
  const merges: Merge[] = [];
  const chain: number[] = [];
  let remaining = m;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1]!;
    const prev = chain.length > 1 ? chain[chain.length - 2]! : -1;
    // The previous link wins ties, so the chain never cycles.
    let best = prev;
    let bestSim = prev >= 0 ? sim[a * m + prev]! : -Infinity;
    for (let x = 0; x < m; x++) {
      if (!active[x] || x === a) continue;
      const s = sim[a * m + x]!;
      if (s > bestSim) { bestSim = s; best = x; }
    }
    if (best !== prev) { chain.push(best); continue; }
    chain.length -= 2;
    const keep = Math.min(a, best);
    const gone = Math.max(a, best);
    merges.push({ a: keep, b: gone, similarity: bestSim });
    const na = size[keep]!;
    const nb = size[gone]!;
    for (let x = 0; x < m; x++) {
      if (!active[x] || x === keep || x === gone) continue;
      const s = (na * sim[keep * m + x]! + nb * sim[gone * m + x]!) / (na + nb);
      sim[keep * m + x] = s;
      sim[x * m + keep] = s;
    }
    size[keep] = na + nb;
    active[gone] = 0;
    remaining--;
  }
  // Average linkage is monotone, so the most similar first is the dendrogram from the leaves up.
  return merges.sort((x, y) => y.similarity - x.similarity);
}

function unionFind(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]!]!;
    i = parent[i]!;
  }
  return i;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
}

/** Unit-length centroid per label (labels < 0 are left out). */
function clusterCentroids(unit: Float32Array, dim: number, labels: Int32Array): Map<number, Float32Array> {
  const sums = new Map<number, Float32Array>();
  labels.forEach((l, i) => {
    if (l < 0) return;
    let c = sums.get(l);
    if (!c) sums.set(l, (c = new Float32Array(dim)));
    for (let d = 0; d < dim; d++) c[d]! += unit[i * dim + d]!;
  });
  for (const [l, c] of sums) sums.set(l, normalizeRows(c, dim));
  return sums;
}

function nearest(unit: Float32Array, row: number, dim: number, centroids: Map<number, Float32Array>, skip?: (l: number) => boolean): number {
  let best = -1;
  let bestSim = -Infinity;
  for (const [l, c] of centroids) {
    if (skip?.(l)) continue;
    let s = 0;
    for (let d = 0; d < dim; d++) s += unit[row * dim + d]! * c[d]!;
    if (s > bestSim) { bestSim = s; best = l; }
  }
  return best;
}

function absorbSmall(unit: Float32Array, dim: number, labels: Int32Array, weights: ArrayLike<number>, o: ClusterOptions): Int32Array {
  const total = new Map<number, number>();
  labels.forEach((l, i) => total.set(l, (total.get(l) ?? 0) + weights[i]!));
  const large = new Set([...total].filter(([, w]) => w >= o.minClusterWeight).map(([l]) => l));
  const small = [...total.keys()].filter((l) => !large.has(l));
  // Never below minSpeakers, and only into a cluster that is kept.
  if (small.length === 0 || large.size === 0 || large.size < o.minSpeakers) return labels;
  const centroids = clusterCentroids(unit, dim, labels);
  const out = Int32Array.from(labels);
  for (let i = 0; i < out.length; i++) {
    if (!large.has(out[i]!)) out[i] = nearest(unit, i, dim, centroids, (l) => !large.has(l));
  }
  return out;
}

function renumberByAppearance(labels: Int32Array): Int32Array {
  const map = new Map<number, number>();
  return labels.map((l) => {
    let k = map.get(l);
    if (k === undefined) map.set(l, (k = map.size));
    return k;
  });
}

function packCentroids(centroids: Map<number, Float32Array>, dim: number): Float32Array {
  const out = new Float32Array(centroids.size * dim);
  for (const [l, c] of centroids) out.set(c, l * dim);
  return out;
}
