/** Voice embeddings of (window, local speaker) pairs, packed row-major, growing by doubling. */
export class EmbeddingStore {
  data = new Float32Array(0);
  /** Speech behind each embedding, ms (counted once however many windows overlap). */
  readonly weights: number[] = [];
  dim = 0;

  get count(): number {
    return this.weights.length;
  }

  add(vector: Float32Array, weight: number): number {
    if (this.dim === 0) this.dim = vector.length;
    if (vector.length !== this.dim) throw new Error(`embedding of ${vector.length} values after ${this.dim}`);
    const need = (this.count + 1) * this.dim;
    if (need > this.data.length) {
      const grown = new Float32Array(Math.max(need, this.data.length * 2, 64 * this.dim));
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(vector, this.count * this.dim);
    this.weights.push(weight);
    return this.count - 1;
  }

  /** The packed embeddings (a view of exactly count rows). */
  rows(): Float32Array {
    return this.data.subarray(0, this.count * this.dim);
  }
}
