/**
 * Kaldi's log mel filterbank ("fbank"), as speaker-embedding models are trained on it
 * (WeSpeaker and 3D-Speaker use torchaudio.compliance.kaldi.fbank, which follows Kaldi): 25 ms
 * frames every 10 ms that lie wholly inside the audio (snip_edges), each with its DC offset
 * removed, pre-emphasis 0.97, a window, zero padding to 512, the power spectrum, 80 triangular
 * bins on Kaldi's mel scale between 20 Hz and Nyquist, and the log (floored at float epsilon).
 * Dither is off, as it is at inference. fbank.test.ts checks it against values torchaudio gave.
 */
import { RealPowerSpectrum } from './fft.js';

export type FbankWindow = 'hamming' | 'povey' | 'hann';

export interface FbankOptions {
  sampleRate: number;
  melBins: number;
  /** The window: WeSpeaker's recipes use hamming, Kaldi's default (3D-Speaker) is povey. */
  window: FbankWindow;
  /** Samples in [-1, 1] are multiplied by this first: 32768 for models trained on int16 audio. */
  sampleScale: number;
}

export const DEFAULT_FBANK: FbankOptions = { sampleRate: 16000, melBins: 80, window: 'hamming', sampleScale: 32768 };

/** torch.finfo(torch.float32).eps: the floor under every energy before the log. */
const EPSILON = 1.1920928955078125e-7;
const PREEMPHASIS = 0.97;
const LOW_FREQ = 20;

interface MelBin { first: number; weights: Float64Array }

const melScale = (hz: number) => 1127 * Math.log(1 + hz / 700);

export class Fbank {
  readonly frameLength: number;
  readonly frameShift: number;
  readonly melBins: number;
  private readonly spectrum: RealPowerSpectrum;
  private readonly window: Float64Array;
  private readonly bins: MelBin[];
  private readonly buf: Float64Array;
  private readonly power: Float64Array;

  constructor(readonly o: FbankOptions = DEFAULT_FBANK) {
    this.frameLength = Math.round(o.sampleRate * 0.025);
    this.frameShift = Math.round(o.sampleRate * 0.01);
    this.melBins = o.melBins;
    let padded = 1;
    while (padded < this.frameLength) padded <<= 1;
    this.spectrum = new RealPowerSpectrum(padded);
    this.window = makeWindow(o.window, this.frameLength);
    this.bins = melBins(o.melBins, padded, o.sampleRate);
    this.buf = new Float64Array(padded);
    this.power = new Float64Array(padded / 2);
  }

  /** Frames in `samples` samples (snip_edges: only whole frames). */
  frameCount(samples: number): number {
    return samples < this.frameLength ? 0 : 1 + Math.floor((samples - this.frameLength) / this.frameShift);
  }

  /** All frames of `samples`, row-major [frames, melBins]. */
  compute(samples: Float32Array): Float32Array {
    const n = this.frameCount(samples.length);
    const out = new Float32Array(n * this.melBins);
    for (let f = 0; f < n; f++) this.frame(samples, f * this.frameShift, out, f * this.melBins);
    return out;
  }

  /** The frame that starts at samples[offset], written to out[at .. at + melBins). */
  frame(samples: Float32Array, offset: number, out: Float32Array, at: number): void {
    const { buf: re, power, window } = this;
    const len = this.frameLength;
    const scale = this.o.sampleScale;
    let mean = 0;
    for (let i = 0; i < len; i++) mean += samples[offset + i]!;
    mean = (mean / len) * scale;
    // DC removal, then pre-emphasis from the last sample down (the first uses itself as its
    // predecessor, as Kaldi does), then the window.
    for (let i = 0; i < len; i++) re[i] = samples[offset + i]! * scale - mean;
    for (let i = len - 1; i > 0; i--) re[i] = re[i]! - PREEMPHASIS * re[i - 1]!;
    re[0] = re[0]! - PREEMPHASIS * re[0]!;
    for (let i = 0; i < len; i++) re[i] = re[i]! * window[i]!;
    re.fill(0, len);
    this.spectrum.compute(re, power);
    for (let b = 0; b < this.bins.length; b++) {
      const { first, weights } = this.bins[b]!;
      let e = 0;
      for (let k = 0; k < weights.length; k++) e += weights[k]! * power[first + k]!;
      out[at + b] = Math.log(Math.max(e, EPSILON));
    }
  }
}

function makeWindow(kind: FbankWindow, n: number): Float64Array {
  const w = new Float64Array(n);
  const a = (2 * Math.PI) / (n - 1);
  for (let i = 0; i < n; i++) {
    const hann = 0.5 - 0.5 * Math.cos(a * i);
    w[i] = kind === 'hamming' ? 0.54 - 0.46 * Math.cos(a * i) : kind === 'povey' ? hann ** 0.85 : hann;
  }
  return w;
}

/** Triangular bins, equally spaced on the mel scale, over the FFT bins below Nyquist (Kaldi leaves Nyquist out). */
function melBins(count: number, padded: number, sampleRate: number): MelBin[] {
  const fftBins = padded / 2;
  const binWidth = sampleRate / padded;
  const low = melScale(LOW_FREQ);
  const high = melScale(sampleRate / 2);
  const delta = (high - low) / (count + 1);
  const out: MelBin[] = [];
  for (let b = 0; b < count; b++) {
    const left = low + b * delta;
    const center = left + delta;
    const right = center + delta;
    const weights: number[] = [];
    let first = -1;
    for (let k = 0; k < fftBins; k++) {
      const mel = melScale(binWidth * k);
      const w = Math.max(0, Math.min((mel - left) / (center - left), (right - mel) / (right - center)));
      if (w > 0) {
        if (first < 0) first = k;
        weights[k - first] = w;
      } else if (first >= 0) break;
    }
    out.push({ first: Math.max(first, 0), weights: Float64Array.from(weights, (x) => x ?? 0) });
  }
  return out;
}
