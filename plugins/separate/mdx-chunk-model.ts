/**
 * An MDX-Net model as a ChunkModel: a stereo chunk -> its spectrogram -> the model -> the stem.
 *
 * The stem is computed as input - istft(spectrum - model output) rather than istft(model
 * output): the same sound (istft(stft(x)) is x up to float rounding), but a model that changes
 * nothing changes nothing, to the bit, so the chunking and overlap-add around it can be proven
 * exact. What the model does not see (bins past dimF, the zeroed lowest bins) counts as not
 * being its stem, as in the reference separators, where the stem is istft(model output).
 */
import type { InferenceSession } from 'onnxruntime-node';
import { DubarrError } from '../sdk/errors.js';
import type { Logger } from '../sdk/plugin.js';
import { onnxSession, type ExecutionProviderName } from '../sdk/onnx-session.js';
import type { MdxSettings, SeparationModel } from './model-settings.js';
import type { ChunkModel } from './overlap-add.js';
import { MdxSpectrogram } from './stft.js';

export const MDX_INPUT = 'input';
export const MDX_OUTPUT = 'output';

/**
 * The output to read: `output` where the file has it, else its only output (UVR's exports are
 * read by position, so not every file names it alike).
 */
export function mdxOutputName(names: readonly string[], label: string): string {
  if (names.includes(MDX_OUTPUT)) return MDX_OUTPUT;
  if (names.length === 1) return names[0]!;
  throw new DubarrError('E_PROVIDER_UNAVAILABLE', `${label} is not an MDX-Net separation model: it has outputs ${names.join(', ')} and none named ${MDX_OUTPUT}`);
}

export interface SessionChoice {
  executionProviders: readonly ExecutionProviderName[];
  threads: number;
  residentMb?: number;
  label: string;
  log?: Logger;
}

/** Where a chunk's time went, summed over the run. */
export interface ChunkTimings {
  stftMs: number;
  sessionRunMs: number;
}

export class MdxChunkModel implements ChunkModel {
  readonly channels = 2;
  readonly frames: number;
  readonly trim: number;
  readonly timings: ChunkTimings = { stftMs: 0, sessionRunMs: 0 };
  private readonly tensor: Float32Array;
  private readonly residual: Float64Array[];

  private constructor(
    private readonly ort: typeof import('onnxruntime-node'), private readonly session: InferenceSession,
    private readonly spectrogram: MdxSpectrogram, readonly settings: MdxSettings, readonly provider: ExecutionProviderName,
    private readonly outputName: string,
  ) {
    this.frames = spectrogram.chunkFrames;
    // The reflect padding reaches n_fft / 2 into the chunk.
    this.trim = settings.nFft / 2;
    this.tensor = new Float32Array(spectrogram.tensorSize);
    this.residual = [new Float64Array(this.frames), new Float64Array(this.frames)];
  }

  static async open(model: SeparationModel, choice: SessionChoice): Promise<MdxChunkModel> {
    const { session, provider } = await onnxSession(model.onnx, {
      executionProviders: choice.executionProviders, threads: choice.threads, residentMb: choice.residentMb,
      label: choice.label, log: choice.log, expect: { inputs: [MDX_INPUT] },
    });
    const outputName = mdxOutputName(session.outputNames, choice.label);
    const ort = await import('onnxruntime-node');
    const { nFft, hop, dimF, dimT, zeroLowBins } = model.settings;
    return new MdxChunkModel(ort, session, await MdxSpectrogram.create({ nFft, hop, dimF, dimT, zeroLowBins }), model.settings, provider, outputName);
  }

  async run(input: readonly Float32Array[], output: readonly Float64Array[]): Promise<void> {
    const { dimF, dimT } = this.settings;
    let t0 = performance.now();
    this.spectrogram.analyse(input, this.tensor);
    this.timings.stftMs += performance.now() - t0;
    t0 = performance.now();
    const result = await this.session.run({ [MDX_INPUT]: new this.ort.Tensor('float32', this.tensor, [1, 4, dimF, dimT]) });
    this.timings.sessionRunMs += performance.now() - t0;
    const out = result[this.outputName]!;
    if (out.data.length !== this.tensor.length) {
      throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the separation model returned a [${out.dims.join(', ')}] tensor for a [1, 4, ${dimF}, ${dimT}] input: its catalogue settings (dimF, dimT) do not match the file`);
    }
    t0 = performance.now();
    this.spectrogram.residual(out.data as Float32Array, this.residual);
    out.dispose?.();
    for (let c = 0; c < 2; c++) {
      const x = input[c]!;
      const r = this.residual[c]!;
      const o = output[c]!;
      for (let i = 0; i < this.frames; i++) o[i] = x[i]! - r[i]!;
    }
    this.timings.stftMs += performance.now() - t0;
  }

  dispose(): void {
    this.spectrogram.dispose();
  }
}
