import { DubarrError } from '../sdk/errors.js';
import type { StageInput } from '../sdk/plugin.js';
import { requireDocument } from '../sdk/stage-input.js';
import { MediaInfo } from './media-info.js';

export function sourcePath(input: StageInput): string {
  const p = input.inputs.source?.files.media;
  if (typeof p !== 'string' || !p) throw new DubarrError('E_INVALID_ARGUMENT', 'this stage needs inputs.source (the job\'s media file)');
  return p;
}

export const mediaInfo = (input: StageInput): MediaInfo => requireDocument(MediaInfo, input, 'extract', 'the extract stage\'s media info', 'this stage');
