import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageLinkage, clusterEmbeddings, normalizeRows, type ClusterOptions } from './clustering.js';

const DIM = 32;
const OPTS: ClusterOptions = { threshold: 0.5, minSpeakers: 1, maxSpeakers: 20, maxPairwise: 2000, minClusterWeight: 0 };

/** Seeded uniform numbers, so a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** `perSpeaker[k]` embeddings around each of k random voices, interleaved in time as a talk is. */
function synthetic(perSpeaker: number[], noise: number, seed: number): { x: Float32Array; truth: number[] } {
  const rand = random(seed);
  const centers = perSpeaker.map(() => normalizeRows(Float32Array.from({ length: DIM }, () => gaussian(rand)), DIM));
  const truth: number[] = [];
  const left = [...perSpeaker];
  while (left.some((c) => c > 0)) {
    const k = Math.floor(rand() * left.length);
    if (left[k]! === 0) continue;
    left[k]!--;
    truth.push(k);
  }
  const x = new Float32Array(truth.length * DIM);
  truth.forEach((k, i) => { for (let d = 0; d < DIM; d++) x[i * DIM + d] = centers[k]![d]! + noise * gaussian(rand); });
  return { x, truth };
}

/** Same partition, whatever the cluster numbers. */
function samePartition(labels: ArrayLike<number>, truth: readonly number[]): boolean {
  const fwd = new Map<number, number>();
  const back = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    const a = labels[i]!;
    const b = truth[i]!;
    if ((fwd.get(a) ?? b) !== b || (back.get(b) ?? a) !== a) return false;
    fwd.set(a, b);
    back.set(b, a);
  }
  return true;
}

test('three synthetic voices, well apart: three clusters, exactly the true ones, numbered by first appearance', () => {
  const { x, truth } = synthetic([40, 25, 12], 0.12, 1);
  const c = clusterEmbeddings(x, DIM, new Array(truth.length).fill(1000), OPTS);
  assert.equal(c.count, 3);
  assert.ok(samePartition(c.labels, truth));
  assert.equal(c.labels[0], 0);
  const firstOfEach = [...new Set(c.labels)];
  assert.deepEqual(firstOfEach, [0, 1, 2], 'labels in order of first appearance');
  for (let k = 0; k < 3; k++) {
    const norm = Math.hypot(...c.centroids.subarray(k * DIM, (k + 1) * DIM));
    assert.ok(Math.abs(norm - 1) < 1e-5);
  }
});

test('the threshold decides: one voice stays one cluster; a threshold above every similarity keeps all apart', () => {
  const one = synthetic([30], 0.12, 2);
  assert.equal(clusterEmbeddings(one.x, DIM, new Array(30).fill(1000), OPTS).count, 1);
  const apart = clusterEmbeddings(one.x, DIM, new Array(30).fill(1000), { ...OPTS, threshold: 0.9999, maxSpeakers: 100 });
  assert.equal(apart.count, 30);
});

test('numSpeakers forces the cut; maxSpeakers and minSpeakers bound it', () => {
  const { x, truth } = synthetic([20, 20, 20, 20], 0.1, 3);
  const w = new Array(truth.length).fill(1000);
  assert.equal(clusterEmbeddings(x, DIM, w, OPTS).count, 4);
  assert.equal(clusterEmbeddings(x, DIM, w, { ...OPTS, numSpeakers: 2 }).count, 2);
  assert.equal(clusterEmbeddings(x, DIM, w, { ...OPTS, maxSpeakers: 3 }).count, 3);
  const merged = clusterEmbeddings(x, DIM, w, { ...OPTS, threshold: -1, minSpeakers: 2 });
  assert.equal(merged.count, 2, 'a threshold that would merge everything stops at minSpeakers');
});

test('past maxPairwise, a subset is clustered and the rest join their nearest centroid: same partition', () => {
  const { x, truth } = synthetic([300, 200, 100], 0.1, 4);
  const w = new Array(truth.length).fill(1000);
  const full = clusterEmbeddings(x, DIM, w, OPTS);
  const bounded = clusterEmbeddings(x, DIM, w, { ...OPTS, maxPairwise: 60 });
  assert.ok(samePartition(full.labels, truth));
  assert.ok(samePartition(bounded.labels, truth));
});

test('a cluster with too little speech joins its nearest larger cluster', () => {
  const { x, truth } = synthetic([30, 30, 2], 0.1, 5);
  const w = new Array(truth.length).fill(1000);
  assert.equal(clusterEmbeddings(x, DIM, w, OPTS).count, 3);
  const c = clusterEmbeddings(x, DIM, w, { ...OPTS, minClusterWeight: 5000 });
  assert.equal(c.count, 2);
  const big = truth.map((k, i) => (k < 2 ? c.labels[i]! : -1)).filter((l) => l >= 0);
  assert.ok(samePartition(big, truth.filter((k) => k < 2)), 'the two real voices are still apart');
});

test('the nearest-neighbour chain gives the merges of naive average linkage', () => {
  for (const seed of [6, 7, 8]) {
    const { x } = synthetic([6, 5, 4], 0.4, seed);
    const unit = normalizeRows(x, DIM);
    const n = unit.length / DIM;
    const sim = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let d = 0; d < DIM; d++) s += unit[i * DIM + d]! * unit[j * DIM + d]!;
      sim[i * n + j] = s;
    }
    const fast = averageLinkage(Float32Array.from(sim), n).map((m) => m.similarity);
    assert.equal(fast.length, n - 1);
    const naive = naiveAverageLinkage(unit, n);
    fast.forEach((s, i) => assert.ok(Math.abs(s - naive[i]!) < 1e-5, `merge ${i}: ${s} vs ${naive[i]}`));
  }
});

/** Textbook average linkage: merge the pair of clusters with the highest mean pairwise similarity. */
function naiveAverageLinkage(unit: Float32Array, n: number): number[] {
  let clusters = Array.from({ length: n }, (_, i) => [i]);
  const dot = (a: number, b: number) => { let s = 0; for (let d = 0; d < DIM; d++) s += unit[a * DIM + d]! * unit[b * DIM + d]!; return s; };
  const out: number[] = [];
  while (clusters.length > 1) {
    let best = -Infinity; let bi = 0; let bj = 1;
    for (let i = 0; i < clusters.length; i++) for (let j = i + 1; j < clusters.length; j++) {
      let s = 0;
      for (const a of clusters[i]!) for (const b of clusters[j]!) s += dot(a, b);
      s /= clusters[i]!.length * clusters[j]!.length;
      if (s > best) { best = s; bi = i; bj = j; }
    }
    out.push(best);
    clusters = [...clusters.filter((_, k) => k !== bi && k !== bj), [...clusters[bi]!, ...clusters[bj]!]];
  }
  return out.sort((a, b) => b - a);
}

test('no embeddings, no clusters', () => {
  const c = clusterEmbeddings(new Float32Array(0), DIM, [], OPTS);
  assert.equal(c.count, 0);
});
