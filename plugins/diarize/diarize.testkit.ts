/**
 * For the diarize tests: the tiny models (test/fixtures/onnx/segmentation_tiny.py and
 * embedding_tiny.py) installed as model folders, and two-voice speech whose voices those
 * models tell apart by frequency band: a low espeak-ng voice with nothing above 700 Hz, and
 * a high one with nothing below 600 Hz.
 */
import { installTinyModel, buildTinyModel, testEntry } from '../../test/fixtures/tiny-models.js';
import { SENTENCES, speechWav, type SpeakerVoice, type SpeechFixture, type TimelineOptions } from '../../test/fixtures/speech.js';
import { outputOf } from '../sdk/testing.js';
import type { StageInput } from '../sdk/plugin.js';
import { DEFAULT_EMBEDDING_MODEL, DEFAULT_SEGMENTATION_MODEL } from './options.js';

// Silero VAD still hears both as speech (it missed a voice high-passed at 900 Hz).
export const LOW_VOICE: SpeakerVoice = { voice: 'en-us', pitch: 0, filter: 'lowpass=f=700,lowpass=f=700' };
export const HIGH_VOICE: SpeakerVoice = { voice: 'en-us+f3', pitch: 99, filter: 'highpass=f=600,highpass=f=600' };

/**
 * Installs the tiny models under the default ids in `root` (so default options find them once
 * setModelsDir(root) is called); `io` picks the names of the real exports they mimic.
 */
export async function installTinyDiarizeModels(root: string, io: 'hf' | 'sherpa' = 'hf'): Promise<{ segmentation: string; embedding: string }> {
  const hf = io === 'hf';
  const seg = await buildTinyModel('segmentation_tiny.py', [hf ? 'hf' : 'sherpa']);
  const emb = await buildTinyModel('embedding_tiny.py', [hf ? 'onnx-community' : '3dspeaker']);
  const suffix = hf ? '' : '-sherpa';
  return {
    segmentation: await installTinyModel(root, seg, {
      ...testEntry({ id: `${DEFAULT_SEGMENTATION_MODEL}${suffix}`, task: 'segmentation', provider: 'diarize' }),
      files: [hf ? 'onnx/model.onnx' : 'model.onnx'],
    }),
    embedding: await installTinyModel(root, emb, {
      ...testEntry({ id: `${DEFAULT_EMBEDDING_MODEL}${suffix}`, task: 'speaker-embedding', provider: 'diarize', ...(hf ? {} : { settings: { window: 'povey', sampleScale: 1 } }) }),
      files: [hf ? 'onnx/model.onnx' : 'model.onnx'],
    }),
  };
}

/** The two voices taking turns sentence by sentence (the first voice first), over a -50 dBFS bed. */
export function twoVoices(o: TimelineOptions & { voices?: readonly SpeakerVoice[] } = {}): Promise<SpeechFixture> {
  const { voices = [LOW_VOICE, HIGH_VOICE], ...rest } = o;
  return speechWav({ speakers: voices, backgroundDb: -50, sentences: SENTENCES, ...rest });
}

/** The diarize stage's input: the fixture's audio, and its cues (padded 100 ms) as the VAD's speech. */
export function diarizeInput(f: SpeechFixture, options: object = {}): Partial<StageInput> & { options: unknown } {
  const segments = f.cues.map((c) => ({ start: Math.max(0, c.start - 100), end: Math.min(f.durationMs, c.end + 100) }));
  return {
    options, params: {},
    inputs: { audio: outputOf({ audio: f.path }), vad: outputOf({}, { durationMs: f.durationMs, segments }) },
  };
}

/** The speaker label heard longest during each cue (undefined when none). */
export function labelPerCue(f: SpeechFixture, segments: ReadonlyArray<{ start: number; end: number; speaker: string }>): Array<string | undefined> {
  return f.cues.map((c) => {
    const time = new Map<string, number>();
    for (const s of segments) {
      const o = Math.min(c.end, s.end) - Math.max(c.start, s.start);
      if (o > 0) time.set(s.speaker, (time.get(s.speaker) ?? 0) + o);
    }
    return [...time].sort((a, b) => b[1] - a[1])[0]?.[0];
  });
}
