/**
 * A separation model runs on fixed-length chunks; this turns a stream of any length into
 * those chunks and the chunks' outputs back into a stream, holding about one chunk of audio
 * whatever the length (a two-hour film is never held whole).
 *
 * Geometry (in samples): a chunk is `frames` long; `trim` samples at each end of its output are
 * discarded (the model sees too little context there: the STFT's reflect padding), so each
 * chunk is trusted on its middle frames - 2 * trim. Consecutive trusted stretches overlap by
 * `crossfade`, where the outputs are blended with complementary linear weights (r and 1 - r,
 * in float64). The stream is padded with `trim` zeros in front, so the first chunk is trusted
 * from sample 0, and with zeros after its end.
 *
 * Why the output of a model that returns its input is the input, bit for bit: every output
 * sample is either one chunk's copy of it (weight 1) or r * x + (1 - r) * x of two copies,
 * computed in float64, whose error is far below half a float32 step, so rounding back to
 * float32 gives x exactly.
 */

export interface ChunkModel {
  /** Samples per chunk. */
  readonly frames: number;
  /** Samples at each end of a chunk's output not to be trusted. */
  readonly trim: number;
  readonly channels: number;
  /** The model's stem for one chunk: planar input (frames each) -> planar output (frames each). */
  run(input: readonly Float32Array[], output: readonly Float64Array[]): Promise<void>;
}

/** A stretch of the stream, finished: the input and the model's stem over the same samples. */
export interface Finished {
  input: readonly Float32Array[];
  stem: readonly Float64Array[];
  frames: number;
}

export type FinishedSink = (done: Finished) => Promise<void>;

export class OverlapAdd {
  readonly crossfade: number;
  /** Distance between the starts of consecutive chunks. */
  readonly step: number;
  private readonly kept: number;
  /** Input from padded position `bufferStart` (the next chunk's start) on. */
  private readonly buffer: Float32Array[];
  private buffered = 0;
  private bufferStart = 0;
  /** Blended output from padded position `bufferStart + trim`, `kept` long. */
  private readonly sum: Float64Array[];
  private readonly chunkIn: Float32Array[];
  private readonly chunkOut: Float64Array[];
  private chunks = 0;
  private streamFrames = 0;
  /** Time spent here, besides the model and the sink: chunk assembly and blending. */
  ownMs = 0;

  constructor(private readonly model: ChunkModel, crossfade: number, private readonly sink: FinishedSink) {
    const { frames, trim, channels } = model;
    this.kept = frames - 2 * trim;
    if (this.kept <= 0) throw new RangeError(`a chunk of ${frames} samples trimmed by ${trim} at each end leaves nothing`);
    // A chunk's fade-in and fade-out must not overlap.
    this.crossfade = Math.max(0, Math.min(Math.floor(crossfade), Math.floor(this.kept / 2)));
    this.step = this.kept - this.crossfade;
    this.buffer = Array.from({ length: channels }, () => new Float32Array(frames * 2));
    this.sum = Array.from({ length: channels }, () => new Float64Array(this.kept));
    this.chunkIn = Array.from({ length: channels }, () => new Float32Array(frames));
    this.chunkOut = Array.from({ length: channels }, () => new Float64Array(frames));
    this.buffered = trim;
  }

  /** Chunks run so far. */
  get chunksRun(): number {
    return this.chunks;
  }

  /** Appends planar input (`frames` samples per channel); runs every chunk it completes. */
  async push(planar: readonly Float32Array[], frames: number): Promise<void> {
    let from = 0;
    while (from < frames) {
      const room = this.buffer[0]!.length - this.buffered;
      const n = Math.min(room, frames - from);
      for (let c = 0; c < this.model.channels; c++) this.buffer[c]!.set(planar[c]!.subarray(from, from + n), this.buffered);
      this.buffered += n;
      from += n;
      this.streamFrames += n;
      while (this.buffered >= this.model.frames) await this.runChunk(false);
    }
  }

  /** The stream has ended: runs the chunks that cover its tail and hands over the rest. */
  async end(): Promise<void> {
    const padded = this.streamFrames + this.model.trim;
    // Chunks until the trusted stretch of one reaches the end of the stream; that one is the
    // last, so nothing fades it out.
    while (this.bufferStart + this.model.trim < padded) {
      const last = this.bufferStart + this.model.trim + this.kept >= padded;
      await this.runChunk(last, padded);
      if (last) break;
    }
  }

  private async runChunk(last: boolean, paddedEnd?: number): Promise<void> {
    const { frames, trim, channels } = this.model;
    let t0 = performance.now();
    for (let c = 0; c < channels; c++) {
      const chunk = this.chunkIn[c]!;
      chunk.set(this.buffer[c]!.subarray(0, Math.min(frames, this.buffered)));
      chunk.fill(0, Math.min(frames, this.buffered));
    }
    this.ownMs += performance.now() - t0;
    await this.model.run(this.chunkIn, this.chunkOut);
    t0 = performance.now();
    this.chunks++;
    const fade = this.crossfade;
    const first = this.chunks === 1;
    for (let c = 0; c < channels; c++) {
      const out = this.chunkOut[c]!;
      const sum = this.sum[c]!;
      for (let j = 0; j < this.kept; j++) {
        let w = 1;
        if (!first && j < fade) w = (j + 0.5) / fade;
        else if (!last && j >= this.step) w = 1 - (j - this.step + 0.5) / fade;
        sum[j]! += w * out[trim + j]!;
      }
    }
    // Samples before the next chunk's trusted stretch are final; after the last, all of them.
    const finished = last ? paddedEnd! - (this.bufferStart + trim) : Math.min(this.step, (paddedEnd ?? Infinity) - (this.bufferStart + trim));
    const input = this.buffer.map((b) => b.slice(trim, trim + finished));
    const stem = this.sum.map((s) => s.slice(0, finished));
    this.ownMs += performance.now() - t0;
    await this.sink({ input, stem, frames: finished });
    t0 = performance.now();
    for (let c = 0; c < channels; c++) {
      const sum = this.sum[c]!;
      sum.copyWithin(0, this.step);
      sum.fill(0, this.kept - this.step);
      const b = this.buffer[c]!;
      b.copyWithin(0, this.step, Math.max(this.step, this.buffered));
    }
    this.buffered = Math.max(0, this.buffered - this.step);
    this.bufferStart += this.step;
    this.ownMs += performance.now() - t0;
  }
}
