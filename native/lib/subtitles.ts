/** extractSubtitle(): an embedded text subtitle stream as an .srt or .ass file. */
import { binding } from './binding.js';
import { captureCallSite, invalidArgument } from './errors.js';
import { callNative, callNativeSync, checkOperationOptions, type OperationOptions } from './run.js';
import { oneOf, optionalInt, requirePath } from './validate.js';

export type SubtitleFormat = 'srt' | 'ass';

export interface ExtractSubtitleResult {
  path: string;
  /** Subtitle events written. */
  events: number;
}

function extractArgs(input: string, streamIndex: number, out: string, format: SubtitleFormat, where: string) {
  const index = optionalInt(streamIndex, `${where}: streamIndex`, 0, 65535);
  if (index === undefined) throw invalidArgument(`${where}: streamIndex is required`);
  const fmt = oneOf(format, ['srt', 'ass'] as const, `${where}: format`);
  if (!fmt) throw invalidArgument(`${where}: format is required ('srt' or 'ass')`);
  return { path: requirePath(input, `${where}: input`), streamIndex: index, out: requirePath(out, `${where}: out`), format: fmt };
}

export async function extractSubtitle(
  input: string,
  streamIndex: number,
  out: string,
  format: SubtitleFormat,
  opts: OperationOptions = {},
): Promise<ExtractSubtitleResult> {
  const site = captureCallSite(extractSubtitle);
  checkOperationOptions(opts, 'extractSubtitle');
  return callNative(binding.extractSubtitle, extractArgs(input, streamIndex, out, format, 'extractSubtitle'), opts, site);
}

export function extractSubtitleSync(
  input: string,
  streamIndex: number,
  out: string,
  format: SubtitleFormat,
  opts: OperationOptions = {},
): ExtractSubtitleResult {
  const site = captureCallSite(extractSubtitleSync);
  checkOperationOptions(opts, 'extractSubtitleSync');
  return callNativeSync(binding.extractSubtitleSync, extractArgs(input, streamIndex, out, format, 'extractSubtitleSync'), opts, site);
}
