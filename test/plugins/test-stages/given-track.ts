import { copyFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { defineStage } from '../../../plugins/sdk/plugin.js';

/**
 * Returns the encoded audio file params.file (made by the test with ffmpeg) as a finished dub
 * track, the shape a mix stage returns, so a test can reach the real mux without the whole dub.
 */
export default defineStage(async (input, ctx) => {
  const source = String(input.params.file);
  const track = join(ctx.workDir, `track${extname(source)}`);
  await copyFile(source, track);
  return { files: { track }, data: { offsetMs: 0 } };
});
