import { isAbsolute } from 'node:path';
import { definePlugin } from '../sdk/index.js';
import { modelFingerprint, modelInstalled } from '../sdk/models.js';
import { speakersDir } from '../sdk/speakers-dir.js';
import { episodeFileName, libraryFolder, libraryIdentity, seriesFolder } from './library.js';
import { DiarizeOptions } from './options.js';
import { readOptions, readSourcePath } from './stage-inputs.js';

// ONNX Runtime >= 1.29 sends usage telemetry unless told not to; set where the plugin host loads
// this module (the main thread), since a worker's process.env is a copy native code never sees.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export { diarizeTrack } from './diarize-track.js';
export { clusterEmbeddings } from './clustering.js';
export { Fbank } from './fbank.js';

export default definePlugin<DiarizeOptions>({
  name: 'diarize',
  version: '1.0.0',
  description: 'Who speaks when: pyannote-class speaker segmentation and WeSpeaker / 3D-Speaker voice embeddings on ONNX Runtime, clustered into speakers, named by a per-series speaker library.',
  options: DiarizeOptions,
  stages: [{
    id: 'diarize:diarize',
    capability: 'diarize',
    languages: { input: '*' },
    runIn: 'worker',
    entry: new URL('./diarize.stage.js', import.meta.url),
    weight: 1,
  }, {
    id: 'diarize:identify-speakers',
    capability: 'identify-speakers',
    languages: { input: '*' },
    runIn: 'main',
    entry: new URL('./identify.stage.js', import.meta.url),
    weight: 0.05,
    // Its names depend on the library's files; the own episode's file too, so a wiped library is written again.
    async externalInputs(input): Promise<Record<string, string>> {
      const o = readOptions(input);
      const source = readSourcePath(input);
      const root = speakersDir();
      if (!o.speakerLibrary || !source || !root) return {};
      const folder = libraryFolder(root, seriesFolder(source));
      return { speakerLibrary: `${folder}/${episodeFileName(source)}:${await libraryIdentity(folder)}` };
    },
  }],
  engine: async (o) => ({ segmentation: await modelFingerprint(o.segmentationModel), embedding: await modelFingerprint(o.embeddingModel) }),
  async available(o) {
    const missing: Array<{ what: string; ref: string }> = [];
    if (!(await modelInstalled(o.segmentationModel))) missing.push({ what: 'speaker segmentation', ref: o.segmentationModel });
    if (!(await modelInstalled(o.embeddingModel))) missing.push({ what: 'speaker embedding', ref: o.embeddingModel });
    if (missing.length === 0) return { ok: true, languages: { input: '*' } };
    const pulls = missing.filter((m) => !isAbsolute(m.ref)).map((m) => m.ref);
    const folders = missing.filter((m) => isAbsolute(m.ref)).map((m) => `${m.ref} is not an installed model folder`);
    const fix = [...(pulls.length ? [`dubarr models pull ${pulls.join(' ')}`] : []), ...folders].join('; ');
    return { ok: false, reason: `no ${missing.map((m) => m.what).join(' or ')} model is installed: ${fix} (improves diarize: one voice per speaker, kept across a series' episodes)` };
  },
});
