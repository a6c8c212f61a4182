/**
 * What a transcript depends on besides the audio and options: the decoder build and the model
 * (acoustic model folder, language model, dictionary). Model files are fingerprinted by size,
 * mtime and sampled content, remembered per process, so a key costs a few stats.
 */
import { engineFileFingerprint, engineTreeFingerprint, executableFingerprint, type EngineFingerprint } from '../sdk/index.js';
import { modelPaths, type PocketsphinxOptions } from './options.js';

export async function pocketsphinxEngine(o: PocketsphinxOptions): Promise<EngineFingerprint> {
  const paths = modelPaths(o);
  return {
    decoder: await executableFingerprint(o.binary),
    hmm: await engineTreeFingerprint(paths.hmm),
    lm: await engineFileFingerprint(paths.lm),
    dict: await engineFileFingerprint(paths.dict),
  };
}
