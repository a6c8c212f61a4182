import { access } from 'node:fs/promises';
import { definePlugin } from '../sdk/index.js';
import { runDecoder } from './decoder-process.js';
import { pocketsphinxEngine } from './engine-fingerprint.js';
import { modelPaths, PocketsphinxOptions } from './options.js';

export { DecoderOutputParser, isFiller } from './decoder-output.js';
export { planRuns, speechRegions, toSourceTime } from './speech-plan.js';

const RECHECK_FAILED_MS = 30_000;
const binaryProbes = new Map<string, { at: number; ok: Promise<string | undefined> }>();

/** Runs the binary with no arguments (it prints its usage and exits); undefined = it runs, else why not. */
function probeBinary(binary: string): Promise<string | undefined> {
  const hit = binaryProbes.get(binary);
  if (hit && Date.now() - hit.at < RECHECK_FAILED_MS) return hit.ok;
  const ok = runDecoder({ binary, args: [] }).then(() => undefined, (e: Error) =>
    /not installed|could not start/.test(e.message) ? e.message : undefined);
  const entry = { at: Date.now(), ok };
  binaryProbes.set(binary, entry);
  void ok.then((err) => { if (!err) entry.at = Infinity; });
  return ok;
}

export default definePlugin<PocketsphinxOptions>({
  name: 'pocketsphinx',
  version: '1.0.0',
  description: 'Offline English speech recognition (CMU pocketsphinx 0.8, US English model) with word timings and confidence.',
  options: PocketsphinxOptions,
  stages: [{
    id: 'pocketsphinx:transcribe',
    capability: 'transcribe',
    languages: { input: ['en'], output: ['en'] },
    runIn: 'worker',
    entry: new URL('./transcribe.stage.js', import.meta.url),
    weight: 3,
  }, {
    // The same recognizer as the fallback source of the text to dub, after existing subtitles.
    id: 'pocketsphinx:source-text',
    capability: 'source-text',
    languages: { input: ['en'], output: ['en'] },
    runIn: 'worker',
    entry: new URL('./transcribe.stage.js', import.meta.url),
    weight: 3,
  }],
  engine: pocketsphinxEngine,
  async available(options) {
    const notRunning = await probeBinary(options.binary);
    if (notRunning) return { ok: false, reason: `${notRunning}` };
    const missing = [];
    for (const p of Object.values(modelPaths(options))) if (!(await access(p).then(() => true, () => false))) missing.push(p);
    if (missing.length) {
      return { ok: false, reason: `pocketsphinx model files missing (${missing.join(', ')}): apt-get install pocketsphinx-en-us, or fix modelDir` };
    }
    return { ok: true, languages: { input: ['en'], output: ['en'] } };
  },
});
