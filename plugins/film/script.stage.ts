/**
 * film:script — the job's script file read and checked (the first step of the film and podcast
 * presets). Images the scenes name are copied into the result, so a changed picture is a new
 * result and the clips made from it are made again.
 */
import { copyFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { defineStage, parseOptions, throwIfCancelled, type Script } from '../sdk/index.js';
import { FilmOptions } from './options.js';
import { readScriptFile } from './read-script.js';

export default defineStage<unknown, Script>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(FilmOptions, input, 'film');
  const script = await readScriptFile(input.inputs.source!.files.media!, { musicPrompt: options.musicPrompt });
  const files: Record<string, string> = {};
  for (const scene of script.scenes) {
    if (!scene.image) continue;
    const name = `${scene.id}-image`;
    files[name] = join(ctx.workDir, `${name}${extname(scene.image).toLowerCase()}`);
    await copyFile(scene.image, files[name]);
    scene.image = name;
  }
  ctx.progress(1);
  return { files, data: script };
});
