/**
 * Audio filtering through libavfilter, so stages need no CLI: runFilterGraph (atempo
 * stretch, loudnorm/volume, sidechain ducking, amix, adelay, pan, amerge, ...) and
 * measureLoudness (EBU R128 integrated loudness, loudness range, true peak).
 */
import { binding, type RawLoudness, type RawSourceSpec } from './binding.js';
import { captureCallSite, invalidArgument } from './errors.js';
import { callNative, callNativeSync, checkOperationOptions, type OperationOptions } from './run.js';
import { sourceSpec, type AudioStreamSelector } from './source.js';
import { encodeSpec, type AudioEncoding, type EncodeResult } from './encode.js';
import { optionalBoolean, requirePath } from './validate.js';

export type FilterInput = string | ({ path: string } & AudioStreamSelector);

export interface FilterGraphOptions extends AudioEncoding, OperationOptions {
  /** Audio inputs, labelled [in0], [in1], ... in the graph. */
  inputs: FilterInput[];
  /**
   * A libavfilter graph from the inputs' labels to [out], e.g.
   * '[in0][in1]sidechaincompress=threshold=0.05:ratio=8[out]'. With one input both labels
   * may be left out: 'atempo=1.25'.
   */
  graph: string;
  /** Output file; its extension picks the container (see encodeAudio). */
  out: string;
}

export type FilterGraphResult = EncodeResult;

export interface LoudnessResult {
  /** Integrated loudness, LUFS (-70 for silence, the gate's floor). */
  integratedLufs: number | null;
  /** Loudness range, LU. */
  lra: number | null;
  lraLowLufs: number | null;
  lraHighLufs: number | null;
  /** Highest true peak (4x oversampled), dBTP; null for digital silence or with `truePeak: false`. */
  truePeakDbtp: number | null;
  /** Highest sample, dBFS: measured instead of the true peak with `truePeak: false` (null otherwise, and for silence). */
  samplePeakDbfs: number | null;
}

export interface LoudnessOptions extends AudioStreamSelector, OperationOptions {
  /**
   * Measure the true peak (default true). It needs the signal oversampled to 192 kHz, about ten
   * times the cost of the loudness itself; false skips it and reports the sample peak instead.
   * Integrated loudness and LRA are the same either way.
   */
  truePeak?: boolean;
}

const MAX_GRAPH_LENGTH = 16384;

function graphArgs(opts: FilterGraphOptions, where: string) {
  if (typeof opts !== 'object' || opts === null) throw invalidArgument(`${where}: options are required`);
  if (!Array.isArray(opts.inputs) || opts.inputs.length === 0 || opts.inputs.length > 32) {
    throw invalidArgument(`${where}: inputs must list 1 to 32 audio files`);
  }
  if (typeof opts.graph !== 'string' || opts.graph.trim() === '' || opts.graph.length > MAX_GRAPH_LENGTH) {
    throw invalidArgument(`${where}: graph must be a non-empty filter graph string`);
  }
  // Source filters (amovie, movie) would read files the caller did not list as inputs.
  if (/(^|[,;\]\s])a?movie\s*=/.test(opts.graph)) throw invalidArgument(`${where}: graph must not open files itself (movie/amovie)`);
  const inputs: RawSourceSpec[] = opts.inputs.map((input, i) => {
    const { path, ...selector } = typeof input === 'string' ? { path: input } : input;
    return sourceSpec(path, selector, `${where}: inputs[${i}]`, 'native');
  });
  const out = requirePath(opts.out, `${where}: out`);
  return { inputs, graph: opts.graph, out, encode: encodeSpec(out, opts, where) };
}

export async function runFilterGraph(opts: FilterGraphOptions): Promise<FilterGraphResult> {
  const site = captureCallSite(runFilterGraph);
  const args = graphArgs(opts, 'runFilterGraph');
  checkOperationOptions(opts, 'runFilterGraph');
  const raw = await callNative(binding.runFilterGraph, args, opts, site);
  return { ...raw, durationSeconds: raw.samples / raw.sampleRate };
}

export function runFilterGraphSync(opts: FilterGraphOptions): FilterGraphResult {
  const site = captureCallSite(runFilterGraphSync);
  const args = graphArgs(opts, 'runFilterGraphSync');
  checkOperationOptions(opts, 'runFilterGraphSync');
  const raw = callNativeSync(binding.runFilterGraphSync, args, opts, site);
  return { ...raw, durationSeconds: raw.samples / raw.sampleRate };
}

function loudness(raw: RawLoudness): LoudnessResult {
  return {
    integratedLufs: raw.integrated,
    lra: raw.lra,
    lraLowLufs: raw.lraLow,
    lraHighLufs: raw.lraHigh,
    truePeakDbtp: raw.truePeak,
    samplePeakDbfs: raw.samplePeak,
  };
}

function loudnessArgs(input: string, opts: LoudnessOptions, where: string) {
  checkOperationOptions(opts, where);
  const truePeak = optionalBoolean(opts.truePeak, `${where}: truePeak`) ?? true;
  return { source: sourceSpec(input, opts, where, 'native'), truePeak };
}

export async function measureLoudness(input: string, opts: LoudnessOptions = {}): Promise<LoudnessResult> {
  const site = captureCallSite(measureLoudness);
  const args = loudnessArgs(input, opts, 'measureLoudness');
  return loudness(await callNative(binding.measureLoudness, args, opts, site));
}

export function measureLoudnessSync(input: string, opts: LoudnessOptions = {}): LoudnessResult {
  const site = captureCallSite(measureLoudnessSync);
  const args = loudnessArgs(input, opts, 'measureLoudnessSync');
  return loudness(callNativeSync(binding.measureLoudnessSync, args, opts, site));
}
