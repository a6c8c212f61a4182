import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { expandPreset, Preset, type Plan, type PresetInput } from './plan.js';
import type { Job } from '../jobs/store.js';

/**
 * Built-in presets; files in <dataDir>/presets add more or replace these by name.
 * 'dub': extract and analyse once, take the source text from subtitles when there are any
 * (else speech recognition), decide the source language from that text, the audio and the
 * tags, tell the speakers apart where diarization models are installed, then per target language
 * translate, speak (a voice per speaker), fit, mix, preview and subtitle; deliver everything
 * in one mux step and report on it.
 */
export const BUILTIN_PRESETS: Record<string, PresetInput> = {
  dub: {
    description: 'Dubbed audio tracks and translated subtitles for each target language',
    steps: [
      { id: 'extract', capability: 'extract', inputs: { source: 'source' }, weight: 2 },
      { id: 'vad', capability: 'vad', inputs: { audio: 'extract' }, weight: 1 },
      // The original voice taken out, for mix.background: separate; skipped when the mix ducks instead or no separation model is installed.
      { id: 'separate', capability: 'separate', inputs: { source: 'source', extract: 'extract' }, optional: true, weight: 3 },
      { id: 'embedded-subtitles', capability: 'subtitle-stream', inputs: { source: 'source', extract: 'extract' }, weight: 0.2 },
      { id: 'text', capability: 'source-text', inputs: { source: 'source', audio: 'extract', vad: 'vad', subtitles: 'embedded-subtitles' }, weight: 4 },
      // Which language the speech is in, from the audio itself, where a provider can tell (none ships yet).
      { id: 'spoken-language', capability: 'identify-language', inputs: { audio: 'extract', vad: 'vad' }, optional: true, weight: 0.5 },
      // The source language for every later step: --from, else content evidence, else tags.
      { id: 'language', capability: 'source-language', inputs: { text: 'text', extract: 'extract', audio: 'spoken-language' }, weight: 0.1 },
      // Who speaks when (where diarization models are installed), named by the series' speaker
      // library, so the units carry speakers and each speaker keeps one voice across episodes.
      { id: 'diarize', capability: 'diarize', inputs: { audio: 'extract', vad: 'vad' }, optional: true, weight: 1 },
      { id: 'speakers', capability: 'identify-speakers', cache: false, inputs: { diarization: 'diarize', source: 'source' }, optional: true, weight: 0.05 },
      { id: 'units', capability: 'segment', inputs: { transcript: 'text', vad: 'vad', language: 'language', diarization: 'speakers' }, weight: 0.2 },
      { id: 'translate', capability: 'translate', inputs: { units: 'units' }, perTarget: true, weight: 1, jobParams: ['glossary'] },
      // extract and source: a provider that clones speakers' voices (elevenlabs, allowCloning) reads their speech.
      { id: 'synthesize', capability: 'synthesize', inputs: { translation: 'translate', extract: 'extract', source: 'source' }, perTarget: true, weight: 3 },
      { id: 'fit', capability: 'fit', inputs: { speech: 'synthesize', extract: 'extract' }, perTarget: true, weight: 1 },
      { id: 'mix', capability: 'mix', inputs: { fit: 'fit', source: 'source', extract: 'extract', separated: 'separate' }, perTarget: true, weight: 3 },
      // A short browser-playable clip of each dub around its densest speech, with a poster and thumbnails.
      { id: 'preview', capability: 'preview', inputs: { source: 'source', extract: 'extract', fit: 'fit', mix: 'mix' }, perTarget: true, weight: 0.5 },
      { id: 'subtitles', capability: 'subtitle', inputs: { translation: 'translate' }, perTarget: true, weight: 0.3, jobParams: ['subtitleFormats'] },
      { id: 'source-subtitles', capability: 'subtitle', inputs: { transcript: 'units' }, weight: 0.2, jobParams: ['subtitleFormats'] },
      // Back-transcription for the QA report, where a recognizer for the target language exists.
      { id: 'dub-audio', capability: 'analysis-audio', inputs: { fit: 'fit' }, perTarget: true, weight: 0.2 },
      { id: 'back', capability: 'transcribe', inputs: { audio: 'dub-audio' }, perTarget: true, optional: true, sourceIsTarget: true, weight: 1 },
      {
        id: 'mux', capability: 'mux', cache: false, weight: 2, jobParams: ['mode', 'outDir', 'forceInplaceHardlinked', 'defaultAudio', 'defaultSubtitle', 'subtitleFormats'],
        inputs: { source: 'source', extract: 'extract', mix: 'mix', subtitles: 'subtitles', 'source-subtitles': 'source-subtitles' },
      },
      {
        id: 'qa', capability: 'qa', cache: false, weight: 0.1,
        inputs: {
          text: 'text', language: 'language', units: 'units', vad: 'vad', extract: 'extract', translate: 'translate', fit: 'fit', mix: 'mix',
          subtitles: 'subtitles', back: 'back', mux: 'mux',
        },
      },
    ],
  },
  // ElevenLabs' Dubbing API makes each language's dub from the speech track; our mix makes it a
  // track (dub-only: their audio keeps the background) and our mux adds it beside the original.
  'dub-elevenlabs': {
    description: 'Dubbed audio tracks made by the ElevenLabs Dubbing API (needs plugins.options.elevenlabs.apiKey)',
    steps: [
      { id: 'extract', capability: 'extract', inputs: { source: 'source' }, weight: 2 },
      { id: 'dubbing', capability: 'dubbing', provider: 'elevenlabs', inputs: { source: 'source', extract: 'extract' }, perTarget: true, weight: 10 },
      { id: 'mix', capability: 'mix', options: { mix: { mode: 'dub-only' } }, inputs: { fit: 'dubbing', source: 'source', extract: 'extract' }, perTarget: true, weight: 2 },
      {
        id: 'mux', capability: 'mux', cache: false, weight: 2, jobParams: ['mode', 'outDir', 'forceInplaceHardlinked', 'defaultAudio', 'defaultSubtitle', 'subtitleFormats'],
        inputs: { source: 'source', extract: 'extract', mix: 'mix' },
      },
      { id: 'qa', capability: 'qa', cache: false, weight: 0.1, inputs: { extract: 'extract', mix: 'mix', mux: 'mux' } },
    ],
  },
  // A film from a script (YAML or Markdown): a voice per character by age and gender, the
  // timeline from the speech of every target language, a clip per scene and a music bed (local
  // stills and a synthesized pad offline; video and music models where configured), captions
  // and chapters, one MP4 beside the script.
  film: {
    description: 'A film from a script: voices per character, a clip per scene, a music bed, captions and chapters, one MP4',
    steps: [
      { id: 'script', capability: 'script', inputs: { source: 'source' }, weight: 0.1 },
      { id: 'lines', capability: 'script-lines', inputs: { script: 'script' }, perTarget: true, weight: 0.1 },
      { id: 'synthesize', capability: 'synthesize', inputs: { translation: 'lines' }, perTarget: true, weight: 3 },
      { id: 'timeline', capability: 'timeline', inputs: { script: 'script', speech: 'synthesize' }, weight: 0.1 },
      { id: 'clip-plan', capability: 'plan-clips', inputs: { script: 'script', timeline: 'timeline' }, weight: 0.1 },
      { id: 'video', capability: 'video', inputs: { plan: 'clip-plan' }, weight: 3 },
      { id: 'music-plan', capability: 'plan-music', inputs: { script: 'script', timeline: 'timeline' }, weight: 0.1 },
      { id: 'music', capability: 'music', inputs: { plan: 'music-plan' }, weight: 1 },
      { id: 'mix', capability: 'speech-mix', inputs: { speech: 'synthesize', timeline: 'timeline', music: 'music' }, perTarget: true, weight: 1 },
      {
        id: 'assemble', capability: 'assemble', cache: false, weight: 2, jobParams: ['outDir'],
        inputs: { source: 'source', script: 'script', timeline: 'timeline', clips: 'video', mix: 'mix', lines: 'lines' },
      },
    ],
  },
  // A podcast video from a script with speakers: their voices, a card per speaker with the one
  // talking highlighted, captions (a track, or burned in: plugins.options.film.captions) and a
  // chapter per section, one MP4 beside the script.
  podcast: {
    description: 'A podcast video from a script: voices per speaker, speaker cards, captions and chapters, one MP4',
    steps: [
      { id: 'script', capability: 'script', inputs: { source: 'source' }, weight: 0.1 },
      { id: 'lines', capability: 'script-lines', inputs: { script: 'script' }, perTarget: true, weight: 0.1 },
      { id: 'synthesize', capability: 'synthesize', inputs: { translation: 'lines' }, perTarget: true, weight: 3 },
      { id: 'timeline', capability: 'timeline', inputs: { script: 'script', speech: 'synthesize' }, weight: 0.1 },
      { id: 'cards', capability: 'speaker-cards', inputs: { script: 'script', timeline: 'timeline' }, weight: 1 },
      { id: 'mix', capability: 'speech-mix', inputs: { speech: 'synthesize', timeline: 'timeline' }, perTarget: true, weight: 1 },
      {
        id: 'assemble', capability: 'assemble', cache: false, weight: 2, jobParams: ['outDir'],
        inputs: { source: 'source', script: 'script', timeline: 'timeline', picture: 'cards', mix: 'mix', lines: 'lines' },
      },
    ],
  },
  // The podcast video of a recorded episode (an audio file): its own audio, a card per speaker
  // (speakers from diarization where its models are installed, else one), captions from the
  // transcript where a recognizer runs, a chapter per stretch between the longest pauses.
  'podcast-audio': {
    description: 'A podcast video from a recording: speaker cards, captions from the transcript, chapters at the long pauses, one MP4',
    steps: [
      { id: 'extract', capability: 'extract', inputs: { source: 'source' }, weight: 1 },
      { id: 'vad', capability: 'vad', inputs: { audio: 'extract' }, weight: 1 },
      { id: 'text', capability: 'transcribe', inputs: { audio: 'extract', vad: 'vad' }, optional: true, weight: 4 },
      { id: 'diarize', capability: 'diarize', inputs: { audio: 'extract', vad: 'vad' }, optional: true, weight: 1 },
      { id: 'episode', capability: 'recording-script', inputs: { source: 'source', extract: 'extract', vad: 'vad', text: 'text', diarization: 'diarize' }, weight: 0.1 },
      { id: 'timeline', capability: 'recording-timeline', inputs: { source: 'source', extract: 'extract', vad: 'vad', text: 'text', diarization: 'diarize' }, weight: 0.1 },
      { id: 'cards', capability: 'speaker-cards', inputs: { script: 'episode', timeline: 'timeline' }, weight: 1 },
      {
        id: 'assemble', capability: 'assemble', cache: false, weight: 2, jobParams: ['outDir'],
        inputs: { source: 'source', script: 'episode', timeline: 'timeline', picture: 'cards', recording: 'source' },
      },
    ],
  },
};

/**
 * 'dub-lipsync': the dub, plus a lip-sync step per target language after its mix (re-rendering
 * only the shots where a face is on screen while a dubbed line plays), and the mux delivering
 * the first target's lip-synced picture in place of the source's video. A preset of its own,
 * never part of 'dub': lip-sync engines are slow and, in the cloud, paid by the second. Added
 * after the table rather than inside it, so concurrent additions of presets do not collide.
 */
function withLipsync(dub: PresetInput): PresetInput {
  const steps = dub.steps.flatMap((s) => {
    if (s.id === 'mix') return [s, { id: 'lipsync', capability: 'lipsync', inputs: { source: 'source', extract: 'extract', fit: 'fit', mix: 'mix' }, perTarget: true, weight: 4 }];
    if (s.id === 'mux') return [{ ...s, inputs: { ...s.inputs, lipsync: 'lipsync' } }];
    return [s];
  });
  return { description: 'The dub, with lip-sync where a face is on screen while a dubbed line plays', steps };
}
Object.assign(BUILTIN_PRESETS, { 'dub-lipsync': withLipsync(BUILTIN_PRESETS.dub!) });

/** User presets: one YAML or JSON file per preset, named after the file ('fast-es.yaml' -> 'fast-es'). */
export function readPresetDir(dir: string): Record<string, PresetInput> {
  if (!existsSync(dir)) return {};
  const out: Record<string, PresetInput> = {};
  for (const f of readdirSync(dir).filter((x) => /\.(ya?ml|json)$/i.test(x))) {
    try {
      out[basename(f, extname(f))] = parseYaml(readFileSync(join(dir, f), 'utf8')) as PresetInput;
    } catch (e) {
      throw new DubarrError('E_CONFIG_INVALID', `Preset file ${join(dir, f)} is not valid YAML: ${(e as Error).message}`);
    }
  }
  return out;
}

export class PresetRegistry {
  private readonly presets = new Map<string, Preset>();

  constructor(...sources: ReadonlyArray<Readonly<Record<string, PresetInput>>>) {
    for (const src of sources) {
      for (const [name, p] of Object.entries(src)) {
        const parsed = Preset.safeParse(p);
        if (!parsed.success) {
          throw new DubarrError('E_CONFIG_INVALID', `Preset '${name}' is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        }
        this.presets.set(name, parsed.data);
      }
    }
  }

  names(): string[] { return [...this.presets.keys()].sort(); }

  get(name: string): Preset {
    const p = this.presets.get(name);
    if (!p) throw new DubarrError('E_INVALID_ARGUMENT', `Unknown preset '${name}'; available: ${this.names().join(', ') || 'none'}`);
    return p;
  }

  plan(job: Job): Plan {
    return expandPreset(job.preset, this.get(job.preset), {
      preset: job.preset,
      sourceLanguage: job.sourceLanguage,
      targetLanguages: job.targetLanguages,
      providers: job.options.providers,
      params: {
        mode: job.options.mode, outDir: job.options.outDir, forceInplaceHardlinked: job.options.forceInplaceHardlinked,
        defaultAudio: job.options.defaultAudio, defaultSubtitle: job.options.defaultSubtitle, subtitleFormats: job.options.subtitleFormats,
        glossary: job.options.glossary?.length ? job.options.glossary : undefined,
      },
    });
  }
}
