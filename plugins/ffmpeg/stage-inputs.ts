import { z } from 'zod';
import { DubarrError } from '../sdk/errors.js';
import type { StageInput } from '../sdk/plugin.js';
import { MediaInfo } from './media-info.js';

export function sourcePath(input: StageInput): string {
  const p = input.inputs.source?.files.media;
  if (typeof p !== 'string' || !p) throw new DubarrError('E_INVALID_ARGUMENT', 'this stage needs inputs.source (the job\'s media file)');
  return p;
}

export function mediaInfo(input: StageInput, name = 'extract'): MediaInfo {
  const r = MediaInfo.safeParse(input.inputs[name]?.data);
  if (!r.success) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.${name} is not an extract document: ${z.prettifyError(r.error)}`);
  return r.data;
}
