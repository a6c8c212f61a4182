/**
 * The STFT an MDX-Net model (UVR's vocal and instrumental ONNX exports) is fed, as PyTorch
 * computes it in the reference separators: torch.stft with a periodic Hann window of n_fft,
 * the given hop, center=True (each chunk reflect-padded by n_fft/2 at both ends), one-sided.
 * The model tensor is [1, 4, dim_f, dim_t]: channels L.re, L.im, R.re, R.im (real and imaginary
 * inside each audio channel), the first dim_f bins, a chunk of hop * (dim_t - 1) samples giving
 * exactly dim_t frames. The lowest bins are zeroed, as the reference does (hum under 17 Hz).
 *
 * The way back is torch.istft: each frame's inverse FFT windowed again, overlap-added, divided
 * by the summed squared window, trimmed by n_fft/2.
 */
import { RealFft } from './real-fft.js';

export interface SpectrogramShape {
  nFft: number;
  hop: number;
  /** Bins the model sees (and returns); the rest are left out of its input. */
  dimF: number;
  /** Frames per chunk. */
  dimT: number;
  /** Lowest bins set to zero in the model's input. */
  zeroLowBins: number;
}

export class MdxSpectrogram {
  /** Samples per chunk: the dim_t frames of a centred STFT span exactly this. */
  readonly chunkFrames: number;
  private readonly window: Float32Array;
  /** 1 / (summed squared window) per padded chunk position: istft's normalisation. */
  private readonly inverseEnvelope: Float64Array;
  private readonly padded: Float32Array;
  private readonly frame: Float32Array;
  /** Every bin of every frame of both channels, kept from analysis for the residual. */
  private readonly full: Float32Array[];
  private readonly overlap: Float64Array;

  private constructor(readonly shape: SpectrogramShape, private readonly fft: RealFft) {
    const { nFft, hop, dimT } = shape;
    this.chunkFrames = hop * (dimT - 1);
    this.window = new Float32Array(nFft);
    for (let n = 0; n < nFft; n++) this.window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / nFft);
    const span = this.chunkFrames + nFft;
    const envelope = new Float64Array(span);
    for (let t = 0; t < dimT; t++) for (let n = 0; n < nFft; n++) envelope[t * hop + n]! += this.window[n]! * this.window[n]!;
    this.inverseEnvelope = envelope.map((e) => (e > 1e-11 ? 1 / e : 0));
    this.padded = new Float32Array(span);
    this.frame = new Float32Array(nFft);
    this.full = [new Float32Array(nFft * dimT), new Float32Array(nFft * dimT)];
    this.overlap = new Float64Array(span);
  }

  static async create(shape: SpectrogramShape): Promise<MdxSpectrogram> {
    return new MdxSpectrogram(shape, await RealFft.create(shape.nFft));
  }

  /** Values in one model tensor. */
  get tensorSize(): number {
    return 4 * this.shape.dimF * this.shape.dimT;
  }

  /**
   * The model's input for a stereo chunk (two planar channels of chunkFrames samples) into
   * `tensor`; the full spectra are kept for residual().
   */
  analyse(channels: readonly Float32Array[], tensor: Float32Array): void {
    const { nFft, hop, dimF, dimT, zeroLowBins } = this.shape;
    const half = nFft / 2;
    const n = this.chunkFrames;
    for (let c = 0; c < 2; c++) {
      const x = channels[c]!;
      const p = this.padded;
      p.set(x.subarray(0, n), half);
      for (let k = 1; k <= half; k++) {
        p[half - k] = x[k]!;
        p[half + n - 1 + k] = x[n - 1 - k]!;
      }
      const spectra = this.full[c]!;
      for (let t = 0; t < dimT; t++) {
        const at = t * hop;
        for (let i = 0; i < nFft; i++) this.frame[i] = p[at + i]! * this.window[i]!;
        const spectrum = spectra.subarray(t * nFft, (t + 1) * nFft);
        this.fft.forward(this.frame, spectrum);
        const re = (2 * c) * dimF * dimT + t;
        const im = (2 * c + 1) * dimF * dimT + t;
        // PFFFT's slots 0 and 1 are the DC and Nyquist bins' real parts; their imaginary parts are 0.
        tensor[re] = 0;
        tensor[im] = 0;
        if (zeroLowBins === 0) tensor[re] = spectrum[0]!;
        const top = Math.min(dimF, half);
        for (let f = 1; f < top; f++) {
          const keep = f >= zeroLowBins;
          tensor[re + f * dimT] = keep ? spectrum[2 * f]! : 0;
          tensor[im + f * dimT] = keep ? spectrum[2 * f + 1]! : 0;
        }
        if (dimF > half) {
          tensor[re + half * dimT] = spectrum[1]!;
          tensor[im + half * dimT] = 0;
        }
      }
    }
  }

  /**
   * The waveform of (analysed spectrum - model output) for each channel into `out`
   * (chunkFrames samples each): what the model left out of its stem. Bins the model does not
   * see count as left out. A model that returns its input gives exactly zero.
   */
  residual(tensor: Float32Array, out: readonly Float64Array[]): void {
    const { nFft, hop, dimF, dimT } = this.shape;
    const half = nFft / 2;
    const scale = 1 / nFft;
    for (let c = 0; c < 2; c++) {
      const spectra = this.full[c]!;
      const acc = this.overlap.fill(0);
      for (let t = 0; t < dimT; t++) {
        const d = this.frame;
        d.set(spectra.subarray(t * nFft, (t + 1) * nFft));
        const re = (2 * c) * dimF * dimT + t;
        const im = (2 * c + 1) * dimF * dimT + t;
        d[0] = d[0]! - tensor[re]!;
        for (let f = 1; f < Math.min(dimF, half); f++) {
          d[2 * f] = d[2 * f]! - tensor[re + f * dimT]!;
          d[2 * f + 1] = d[2 * f + 1]! - tensor[im + f * dimT]!;
        }
        if (dimF > half) d[1] = d[1]! - tensor[re + half * dimT]!;
        this.fft.inverse(d, d);
        const at = t * hop;
        for (let i = 0; i < nFft; i++) acc[at + i]! += d[i]! * scale * this.window[i]!;
      }
      const o = out[c]!;
      for (let i = 0; i < this.chunkFrames; i++) o[i] = acc[half + i]! * this.inverseEnvelope[half + i]!;
    }
  }

  dispose(): void {
    this.fft.dispose();
  }
}
