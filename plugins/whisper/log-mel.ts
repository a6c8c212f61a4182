/**
 * Whisper's log-mel front end, as the models were trained on it: 16 kHz audio padded to the
 * 30 s window, a centred STFT (reflect padding of n_fft/2) with a periodic Hann window of
 * n_fft = 400 and hop 160, the last frame dropped (3000 frames), the power spectrum through
 * Slaney mel filters (Slaney mel scale, area-normalized, 0-8 kHz; 80 or 128 bands), log10
 * clamped at 1e-10, floored at the window's maximum minus 8 (i.e. 80 dB), then (x + 4) / 4.
 * Frames that lie wholly in the zero padding are known without an FFT.
 */
import { RealPowerSpectrum } from './fft.js';

export const SAMPLE_RATE = 16000;
export const N_FFT = 400;
export const HOP = 160;
export const WINDOW_SAMPLES = 30 * SAMPLE_RATE;
export const WINDOW_FRAMES = WINDOW_SAMPLES / HOP;

const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = 15;
const LOG_STEP = Math.log(6.4) / 27;

export const hzToMel = (hz: number): number => hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : (3 * hz) / 200;
export const melToHz = (mel: number): number => mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : (200 * mel) / 3;

/** One triangular filter, as its first bin and weights (the rest are zero). */
export interface MelFilter { first: number; weights: Float64Array }

/** Slaney-normalized triangular filters over the n_fft/2+1 bins, 0 Hz to Nyquist. */
export function melFilters(nMels: number, nFft = N_FFT, sampleRate = SAMPLE_RATE): MelFilter[] {
  const bins = nFft / 2 + 1;
  const maxMel = hzToMel(sampleRate / 2);
  const hz = Array.from({ length: nMels + 2 }, (_, i) => melToHz((maxMel * i) / (nMels + 1)));
  const filters: MelFilter[] = [];
  for (let m = 0; m < nMels; m++) {
    const [lo, centre, hi] = [hz[m]!, hz[m + 1]!, hz[m + 2]!];
    const norm = 2 / (hi - lo);
    const w: number[] = [];
    let first = -1;
    for (let k = 0; k < bins; k++) {
      const f = (k * sampleRate) / nFft;
      const v = Math.max(0, Math.min((f - lo) / (centre - lo), (hi - f) / (hi - centre)));
      if (v > 0) {
        if (first < 0) first = k;
        w[k - first] = v * norm;
      }
    }
    filters.push({ first: Math.max(0, first), weights: Float64Array.from(w, (x) => x ?? 0) });
  }
  return filters;
}

const hann = Float64Array.from({ length: N_FFT }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT));

/** Computes features for any number of windows; holds its scratch buffers (one per thread). */
export class LogMel {
  private readonly filters: MelFilter[];
  private readonly spectrum = new RealPowerSpectrum(N_FFT);
  private readonly frame = new Float64Array(N_FFT);
  private readonly power = new Float64Array(N_FFT / 2 + 1);

  constructor(readonly nMels: number) {
    this.filters = melFilters(nMels);
  }

  /**
   * Features [nMels, 3000] (row-major, as input_features wants them) of up to 30 s of samples,
   * zero-padded to 30 s. `out` is reused when given.
   */
  compute(samples: Float32Array, out = new Float32Array(this.nMels * WINDOW_FRAMES)): Float32Array {
    if (samples.length > WINDOW_SAMPLES) throw new RangeError(`a Whisper window holds at most ${WINDOW_SAMPLES} samples`);
    const n = WINDOW_SAMPLES;
    const pad = N_FFT / 2;
    const at = (i: number): number => {
      // The padded signal reflected at both ends (numpy's 'reflect': the edge sample is not repeated).
      const j = i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
      return j < samples.length ? samples[j]! : 0;
    };
    // A frame that starts past the audio, and whose reflection at the window's end does not
    // reach back into it, sees only zeros: its log-mel is log10(1e-10) = -10 in every band.
    const silent = (start: number): boolean => {
      if (start < samples.length) return false;
      const last = start + N_FFT - 1;
      return last < n || 2 * (n - 1) - last >= samples.length;
    };
    let max = -Infinity;
    const frameLog = new Float64Array(this.nMels);
    for (let t = 0; t < WINDOW_FRAMES; t++) {
      if (silent(t * HOP - pad)) {
        for (let m = 0; m < this.nMels; m++) out[m * WINDOW_FRAMES + t] = -10;
        max = Math.max(max, -10);
        continue;
      }
      const start = t * HOP - pad;
      const inside = start >= 0 && start + N_FFT <= samples.length;
      for (let i = 0; i < N_FFT; i++) this.frame[i] = (inside ? samples[start + i]! : at(start + i)) * hann[i]!;
      this.spectrum.power(this.frame, this.power);
      this.melOf(frameLog);
      for (let m = 0; m < this.nMels; m++) {
        const v = frameLog[m]!;
        out[m * WINDOW_FRAMES + t] = v;
        if (v > max) max = v;
      }
    }
    const floor = max - 8;
    for (let i = 0; i < out.length; i++) out[i] = (Math.max(out[i]!, floor) + 4) / 4;
    return out;
  }

  private melOf(out: Float64Array): void {
    for (let m = 0; m < this.nMels; m++) {
      const { first, weights } = this.filters[m]!;
      let s = 0;
      for (let k = 0; k < weights.length; k++) s += weights[k]! * this.power[first + k]!;
      out[m] = Math.log10(Math.max(s, 1e-10));
    }
  }
}
