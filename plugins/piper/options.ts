import { z } from 'zod';
import { onnxRuntimeOptions } from '../sdk/onnx-session.js';
import { speakerHintsOption } from '../sdk/speaker-hints.js';

/** The voice a user would pull first (models/catalogue.yaml). */
export const DEFAULT_PIPER_VOICE = 'piper-en-us-lessac-medium';

const voiceRef = z.string().min(1).describe('a piper voice: a catalogue id or an absolute path to an installed model folder');

export const PiperOptions = z.object({
  /** The voice for speech no speaker label or language mapping decides, when it speaks the target language. */
  model: voiceRef.default(DEFAULT_PIPER_VOICE),
  /** The main voice per target language, overriding `model`: { es: 'piper-es-es-davefx-medium' }. */
  voices: z.record(z.string(), voiceRef).default({}),
  /**
   * Every installed piper voice that speaks the target language may be used, for speakers
   * beyond the first and for a language `model` does not speak; false: only `model` and `voices`.
   */
  useInstalled: z.boolean().default(true),
  /** Known speakers: gender, age or a voice, by speaker label. */
  speakers: speakerHintsOption,
  /** Override the voice's own settings (its .onnx.json `inference`): larger lengthScale is slower. */
  lengthScale: z.number().min(0.3).max(3).optional(),
  noiseScale: z.number().min(0).max(2).optional(),
  noiseW: z.number().min(0).max(2).optional(),
  /** Silence between sentences of one unit, ms at the normal pace (shorter when spoken faster). */
  sentenceSilenceMs: z.int().min(0).max(2000).default(200),
  /** Fastest re-synthesis rate (1 / length_scale factor) for a unit that overflows its slot. */
  maxRate: z.number().min(1).max(2).default(1.25),
  /** espeak-ng, which turns the text into the phonemes Piper voices were trained on. */
  binary: z.string().min(1).default('espeak-ng'),
  ...onnxRuntimeOptions,
});
export type PiperOptions = z.infer<typeof PiperOptions>;
