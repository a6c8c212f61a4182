/**
 * ITU-R BS.1770-4 integrated loudness (the EBU R128 measure), computed while the audio streams
 * past: K-weighting (two biquads per channel, coefficients derived for any sample rate as
 * libebur128 does), 400 ms blocks every 100 ms, the -70 LUFS absolute gate and the -10 LU
 * relative gate. The native measureLoudness adds a 192 kHz true-peak pass the mix does not
 * need for the source, which costs ~10x more; this meter rides along the decode instead.
 */
export class LoudnessMeter {
  private readonly b: Float64Array;
  private readonly a: Float64Array;
  /** Per channel: two biquads x two state values (transposed direct form II). */
  private readonly state: Float64Array;
  private readonly hop: number;
  private hopFill = 0;
  private hopEnergy = 0;
  private readonly recent = [0, 0, 0, 0];
  private hops = 0;
  private blocks = new Float64Array(1024);
  private blockCount = 0;

  constructor(sampleRate: number, private readonly weights: readonly number[]) {
    const { b, a } = kWeighting(sampleRate);
    this.b = b;
    this.a = a;
    this.state = new Float64Array(weights.length * 4);
    this.hop = Math.round(sampleRate / 10);
  }

  /** Interleaved frames with the channel count given by `weights`. */
  add(samples: Float32Array, frames: number): void {
    const ch = this.weights.length;
    const { b, a, state } = this;
    for (let i = 0; i < frames; i++) {
      let energy = 0;
      for (let c = 0; c < ch; c++) {
        const w = this.weights[c]!;
        if (w === 0) continue;
        const s = c * 4;
        const x = samples[i * ch + c]!;
        // Stage 1: high shelf; stage 2: high pass.
        const y1 = b[0]! * x + state[s]!;
        state[s] = b[1]! * x - a[1]! * y1 + state[s + 1]!;
        state[s + 1] = b[2]! * x - a[2]! * y1;
        const y2 = b[3]! * y1 + state[s + 2]!;
        state[s + 2] = b[4]! * y1 - a[4]! * y2 + state[s + 3]!;
        state[s + 3] = b[5]! * y1 - a[5]! * y2;
        energy += w * y2 * y2;
      }
      this.hopEnergy += energy;
      if (++this.hopFill === this.hop) this.endHop();
    }
  }

  private endHop(): void {
    this.recent[this.hops % 4] = this.hopEnergy / this.hop;
    this.hops++;
    this.hopEnergy = 0;
    this.hopFill = 0;
    if (this.hops < 4) return;
    if (this.blockCount === this.blocks.length) {
      const grown = new Float64Array(this.blocks.length * 2);
      grown.set(this.blocks);
      this.blocks = grown;
    }
    this.blocks[this.blockCount++] = (this.recent[0]! + this.recent[1]! + this.recent[2]! + this.recent[3]!) / 4;
  }

  /** Integrated loudness in LUFS; null when nothing is above the absolute gate (silence). */
  integratedLufs(): number | null {
    const absGate = energyOf(-70);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < this.blockCount; i++) if (this.blocks[i]! > absGate) { sum += this.blocks[i]!; n++; }
    if (n === 0) return null;
    const relGate = (sum / n) * 10 ** (-10 / 10);
    let gated = 0;
    let m = 0;
    for (let i = 0; i < this.blockCount; i++) if (this.blocks[i]! > absGate && this.blocks[i]! > relGate) { gated += this.blocks[i]!; m++; }
    return lufsOf(gated / m);
  }
}

const lufsOf = (energy: number) => -0.691 + 10 * Math.log10(energy);
const energyOf = (lufs: number) => 10 ** ((lufs + 0.691) / 10);

/** Both K-weighting stages as [b0 b1 b2] x 2 and [1 a1 a2] x 2, for `rate`. */
function kWeighting(rate: number): { b: Float64Array; a: Float64Array } {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / rate);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / Q + K * K;
  const shelfB = [(Vh + (Vb * K) / Q + K * K) / a0, (2 * (K * K - Vh)) / a0, (Vh - (Vb * K) / Q + K * K) / a0];
  const shelfA = [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0];
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / rate);
  a0 = 1 + K / Q + K * K;
  const passB = [1, -2, 1];
  const passA = [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0];
  return { b: Float64Array.from([...shelfB, ...passB]), a: Float64Array.from([...shelfA, ...passA]) };
}
