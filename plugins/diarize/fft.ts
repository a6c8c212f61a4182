/**
 * In-place radix-2 FFT of one fixed power-of-two size, with its bit-reversal and twiddle tables
 * computed once: the filterbank runs it 100 times per second of audio, so nothing is allocated
 * per call. (A complex FFT of the real frame: at 512 points the half-size real-FFT trick would
 * save little next to the ONNX models.)
 */
export class Fft {
  private readonly rev: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(readonly size: number) {
    if (size < 2 || (size & (size - 1)) !== 0) throw new Error(`FFT size ${size} is not a power of two`);
    const bits = Math.log2(size);
    this.rev = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.cos = new Float64Array(size / 2);
    this.sin = new Float64Array(size / 2);
    for (let i = 0; i < size / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / size);
      this.sin[i] = -Math.sin((2 * Math.PI * i) / size);
    }
  }

  /** Transforms (re, im) in place: X[k] = sum x[n] e^(-2 pi i k n / size). */
  transform(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    const rev = this.rev;
    const cos = this.cos;
    const sin = this.sin;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[i]!; re[i] = re[j]!; re[j] = tr;
        const ti = im[i]!; im[i] = im[j]!; im[j] = ti;
      }
    }
    // Each twiddle is read once per stage: the butterflies that share it run in the inner loop.
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1;
      const stride = n / len;
      for (let k = 0; k < half; k++) {
        const wr = cos[k * stride]!;
        const wi = sin[k * stride]!;
        for (let a = k; a < n; a += len) {
          const b = a + half;
          const br = re[b]!;
          const bi = im[b]!;
          const xr = br * wr - bi * wi;
          const xi = br * wi + bi * wr;
          const ar = re[a]!;
          const ai = im[a]!;
          re[b] = ar - xr; im[b] = ai - xi;
          re[a] = ar + xr; im[a] = ai + xi;
        }
      }
    }
  }
}

/**
 * The power spectrum |X[k]|², k < size/2, of a real frame of `size` samples, from one complex
 * FFT of half the size (even samples as real parts, odd as imaginary, then untangled): half the
 * work of transforming the real frame as a complex one.
 */
export class RealPowerSpectrum {
  private readonly half: Fft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(readonly size: number) {
    this.half = new Fft(size / 2);
    this.re = new Float64Array(size / 2);
    this.im = new Float64Array(size / 2);
    this.cos = Float64Array.from({ length: size / 2 }, (_, k) => Math.cos((2 * Math.PI * k) / size));
    this.sin = Float64Array.from({ length: size / 2 }, (_, k) => -Math.sin((2 * Math.PI * k) / size));
  }

  /** power[k] = |X[k]|² for k < size/2, X the DFT of frame[0 .. size). */
  compute(frame: Float64Array, power: Float64Array): void {
    const m = this.size / 2;
    const { re, im } = this;
    for (let n = 0; n < m; n++) { re[n] = frame[2 * n]!; im[n] = frame[2 * n + 1]!; }
    this.half.transform(re, im);
    for (let k = 0; k < m; k++) {
      const j = k === 0 ? 0 : m - k;
      // Z[k] and conj(Z[m - k]) give the even samples' spectrum E and the odd ones' O.
      const zr = re[k]!; const zi = im[k]!; const cr = re[j]!; const ci = -im[j]!;
      const er = (zr + cr) / 2; const ei = (zi + ci) / 2;
      const or = (zi - ci) / 2; const oi = -(zr - cr) / 2;
      const wr = this.cos[k]!; const wi = this.sin[k]!;
      const xr = er + wr * or - wi * oi;
      const xi = ei + wr * oi + wi * or;
      power[k] = xr * xr + xi * xi;
    }
  }
}
