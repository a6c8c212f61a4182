/**
 * Real FFTs of the sizes MDX-Net models use (7680, 6144, 5120: not powers of two) through PFFFT
 * compiled to WebAssembly with SIMD: 18 µs for a 7680-point transform here, so the STFT of a
 * model chunk (2 x 256 frames) costs milliseconds beside the seconds the model takes.
 * Single precision, as the models' own tensors are.
 *
 * Spectrum layout (PFFFT's ordered real layout): [re0, reN/2, re1, im1, re2, im2, ...].
 * One WebAssembly instance per thread, loaded on first use.
 */
import type { PffftModule } from '@echogarden/pffft-wasm/simd';
import { DubarrError } from '../sdk/index.js';

const PFFFT_REAL = 0;
const FORWARD = 0;
const BACKWARD = 1;

let loading: Promise<PffftModule> | undefined;

function pffft(): Promise<PffftModule> {
  loading ??= import('@echogarden/pffft-wasm/simd').then((m) => m.default()).catch((e: unknown) => {
    loading = undefined;
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the PFFFT WebAssembly module failed to load: ${(e as Error).message}; reinstall dependencies with \`npm ci\``, { cause: e });
  });
  return loading;
}

/** Sizes PFFFT's real transform takes: a multiple of 32 whose other factors are 2, 3 and 5. */
export function realFftSizeOk(n: number): boolean {
  if (!Number.isInteger(n) || n <= 0 || n % 32 !== 0) return false;
  let m = n;
  for (const p of [2, 3, 5]) while (m % p === 0) m /= p;
  return m === 1;
}

export class RealFft {
  private constructor(
    private readonly m: PffftModule, readonly size: number,
    private readonly setup: number, private readonly inPtr: number, private readonly outPtr: number, private readonly workPtr: number,
  ) {}

  static async create(size: number): Promise<RealFft> {
    if (!realFftSizeOk(size)) throw new DubarrError('E_INVALID_ARGUMENT', `an FFT size of ${size} is not supported: it must be a multiple of 32 with no prime factor but 2, 3 and 5`);
    const m = await pffft();
    const setup = m._pffft_new_setup(size, PFFFT_REAL);
    const bytes = size * 4;
    return new RealFft(m, size, setup, m._pffft_aligned_malloc(bytes), m._pffft_aligned_malloc(bytes), m._pffft_aligned_malloc(bytes));
  }

  /** `signal` (size samples) -> `spectrum` (size values, the ordered layout above), unscaled. */
  forward(signal: Float32Array, spectrum: Float32Array): void {
    this.run(signal, spectrum, FORWARD);
  }

  /** The inverse of forward, times `size` (PFFFT does not scale). */
  inverse(spectrum: Float32Array, signal: Float32Array): void {
    this.run(spectrum, signal, BACKWARD);
  }

  private run(from: Float32Array, to: Float32Array, direction: number): void {
    // The heap view is taken per call: memory growth (another size set up) replaces the buffer.
    const heap = this.m.HEAPF32;
    heap.set(from.subarray(0, this.size), this.inPtr >>> 2);
    this.m._pffft_transform_ordered(this.setup, this.inPtr, this.outPtr, this.workPtr, direction);
    to.set(heap.subarray(this.outPtr >>> 2, (this.outPtr >>> 2) + this.size));
  }

  dispose(): void {
    for (const p of [this.inPtr, this.outPtr, this.workPtr]) this.m._pffft_aligned_free(p);
    this.m._pffft_destroy_setup(this.setup);
  }
}
