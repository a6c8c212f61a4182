/**
 * A mixed-radix FFT for the sizes Whisper's front end needs (n_fft = 400 = 2^4 * 5^2, not a
 * power of two, so the radix-2 packages on npm do not fit). Stockham autosort (no bit reversal)
 * with radix-4, -5, -2 and -3 butterflies and per-stage twiddle tables computed once per size;
 * a real input of length 2m runs as one complex transform of length m.
 */

interface Stage { radix: number; span: number; twRe: Float64Array; twIm: Float64Array }

function factorize(n: number): number[] {
  const out: number[] = [];
  for (const r of [4, 5, 2, 3]) while (n % r === 0) { out.push(r); n /= r; }
  if (n !== 1) throw new RangeError(`FFT size has a prime factor above 5 (${n})`);
  return out;
}

/** A complex FFT of one size: forward transform, in place over (re, im). */
export class ComplexFft {
  private readonly stages: Stage[] = [];
  private readonly bufRe: Float64Array;
  private readonly bufIm: Float64Array;

  constructor(readonly n: number) {
    let span = 1;
    for (const radix of factorize(n)) {
      const count = (n / radix) * (radix - 1);
      const twRe = new Float64Array(count);
      const twIm = new Float64Array(count);
      // Twiddle r (1..radix-1) of butterfly j depends on j % span only; stored per j.
      for (let j = 0; j < n / radix; j++) {
        const angle = (-2 * Math.PI * (j % span)) / (span * radix);
        for (let r = 1; r < radix; r++) {
          twRe[j * (radix - 1) + r - 1] = Math.cos(r * angle);
          twIm[j * (radix - 1) + r - 1] = Math.sin(r * angle);
        }
      }
      this.stages.push({ radix, span, twRe, twIm });
      span *= radix;
    }
    this.bufRe = new Float64Array(n);
    this.bufIm = new Float64Array(n);
  }

  transform(re: Float64Array, im: Float64Array): void {
    let xr = re, xi = im, yr = this.bufRe, yi = this.bufIm;
    for (const s of this.stages) {
      stage(s, this.n, xr, xi, yr, yi);
      [xr, yr] = [yr, xr];
      [xi, yi] = [yi, xi];
    }
    if (xr !== re) { re.set(xr); im.set(xi); }
  }
}

const C5a = Math.cos((2 * Math.PI) / 5), C5b = Math.cos((4 * Math.PI) / 5);
const S5a = Math.sin((2 * Math.PI) / 5), S5b = Math.sin((4 * Math.PI) / 5);
const S3 = Math.sin((2 * Math.PI) / 3);

function stage(s: Stage, n: number, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { radix: p, span, twRe, twIm } = s;
  const q = n / p;
  for (let j = 0; j < q; j++) {
    const k = j % span;
    const out = (j - k) * p + k;
    const t = j * (p - 1);
    // Inputs j, j+q, ... times their twiddles.
    const a0r = xr[j]!, a0i = xi[j]!;
    let a1r = xr[j + q]!, a1i = xi[j + q]!;
    { const c = twRe[t]!, d = twIm[t]!; const r = a1r * c - a1i * d; a1i = a1r * d + a1i * c; a1r = r; }
    if (p === 2) {
      yr[out] = a0r + a1r; yi[out] = a0i + a1i;
      yr[out + span] = a0r - a1r; yi[out + span] = a0i - a1i;
      continue;
    }
    let a2r = xr[j + 2 * q]!, a2i = xi[j + 2 * q]!;
    { const c = twRe[t + 1]!, d = twIm[t + 1]!; const r = a2r * c - a2i * d; a2i = a2r * d + a2i * c; a2r = r; }
    if (p === 3) {
      const sr = a1r + a2r, si = a1i + a2i;
      const mr = a0r - 0.5 * sr, mi = a0i - 0.5 * si;
      const dr = S3 * (a1i - a2i), di = S3 * (a2r - a1r);
      yr[out] = a0r + sr; yi[out] = a0i + si;
      yr[out + span] = mr + dr; yi[out + span] = mi + di;
      yr[out + 2 * span] = mr - dr; yi[out + 2 * span] = mi - di;
      continue;
    }
    let a3r = xr[j + 3 * q]!, a3i = xi[j + 3 * q]!;
    { const c = twRe[t + 2]!, d = twIm[t + 2]!; const r = a3r * c - a3i * d; a3i = a3r * d + a3i * c; a3r = r; }
    if (p === 4) {
      const b0r = a0r + a2r, b0i = a0i + a2i, b1r = a0r - a2r, b1i = a0i - a2i;
      const b2r = a1r + a3r, b2i = a1i + a3i, b3r = a1r - a3r, b3i = a1i - a3i;
      yr[out] = b0r + b2r; yi[out] = b0i + b2i;
      yr[out + span] = b1r + b3i; yi[out + span] = b1i - b3r;
      yr[out + 2 * span] = b0r - b2r; yi[out + 2 * span] = b0i - b2i;
      yr[out + 3 * span] = b1r - b3i; yi[out + 3 * span] = b1i + b3r;
      continue;
    }
    // p === 5
    let a4r = xr[j + 4 * q]!, a4i = xi[j + 4 * q]!;
    { const c = twRe[t + 3]!, d = twIm[t + 3]!; const r = a4r * c - a4i * d; a4i = a4r * d + a4i * c; a4r = r; }
    const s1r = a1r + a4r, s1i = a1i + a4i, d1r = a1r - a4r, d1i = a1i - a4i;
    const s2r = a2r + a3r, s2i = a2i + a3i, d2r = a2r - a3r, d2i = a2i - a3i;
    const m1r = a0r + C5a * s1r + C5b * s2r, m1i = a0i + C5a * s1i + C5b * s2i;
    const m2r = a0r + C5b * s1r + C5a * s2r, m2i = a0i + C5b * s1i + C5a * s2i;
    // Forward transform: the sine terms enter as -i * (...)
    const n1r = S5a * d1i + S5b * d2i, n1i = -(S5a * d1r + S5b * d2r);
    const n2r = S5b * d1i - S5a * d2i, n2i = -(S5b * d1r - S5a * d2r);
    yr[out] = a0r + s1r + s2r; yi[out] = a0i + s1i + s2i;
    yr[out + span] = m1r + n1r; yi[out + span] = m1i + n1i;
    yr[out + 4 * span] = m1r - n1r; yi[out + 4 * span] = m1i - n1i;
    yr[out + 2 * span] = m2r + n2r; yi[out + 2 * span] = m2i + n2i;
    yr[out + 3 * span] = m2r - n2r; yi[out + 3 * span] = m2i - n2i;
  }
}

/**
 * The power spectrum |X[k]|^2, k = 0..n/2, of a real frame of even length n, through a complex
 * FFT of n/2 (even samples as the real part, odd as the imaginary) and the usual split.
 */
export class RealPowerSpectrum {
  private readonly half: ComplexFft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;

  constructor(readonly n: number) {
    if (n % 2) throw new RangeError('RealPowerSpectrum needs an even size');
    const m = n / 2;
    this.half = new ComplexFft(m);
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
    this.wRe = new Float64Array(m);
    this.wIm = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      this.wRe[k] = Math.cos((-2 * Math.PI * k) / n);
      this.wIm[k] = Math.sin((-2 * Math.PI * k) / n);
    }
  }

  /** frame: n samples; out: n/2 + 1 powers. */
  power(frame: ArrayLike<number>, out: Float64Array): void {
    const m = this.n / 2;
    const { re, im, wRe, wIm } = this;
    for (let i = 0; i < m; i++) { re[i] = frame[2 * i]!; im[i] = frame[2 * i + 1]!; }
    this.half.transform(re, im);
    out[0] = (re[0]! + im[0]!) ** 2;
    out[m] = (re[0]! - im[0]!) ** 2;
    for (let k = 1; k < m; k++) {
      const zr = re[k]!, zi = im[k]!, cr = re[m - k]!, ci = -im[m - k]!;
      // E = (Z[k] + conj Z[m-k]) / 2, O = (Z[k] - conj Z[m-k]) / 2i; X = E + W^k O.
      const er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci), oi = -0.5 * (zr - cr);
      const xr = er + wRe[k]! * or - wIm[k]! * oi;
      const xi = ei + wRe[k]! * oi + wIm[k]! * or;
      out[k] = xr * xr + xi * xi;
    }
  }
}
