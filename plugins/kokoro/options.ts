import { z } from 'zod';
import { onnxRuntimeOptions } from '../sdk/onnx-session.js';
import { speakerHintsOption } from '../sdk/speaker-hints.js';

/** The model a user would pull first (models/catalogue.yaml). */
export const DEFAULT_KOKORO_MODEL = 'kokoro-82m';

export const KokoroOptions = z.object({
  /** The Kokoro model: a catalogue id or an absolute path to an installed model folder. */
  model: z.string().min(1).default(DEFAULT_KOKORO_MODEL),
  /** The main voice per target language, overriding the model's first: { en: 'bf_emma', es: 'em_alex' }. */
  voices: z.record(z.string(), z.string().regex(/^[a-z]{2}_[\w-]+$/, 'a Kokoro voice name such as af_heart')).default({}),
  /** Known speakers: gender, age or a voice (a Kokoro voice name), by speaker label. */
  speakers: speakerHintsOption,
  /** Base speaking speed (Kokoro's `speed`; 1 = the voice's pace). */
  speed: z.number().min(0.5).max(2).default(1),
  /** Fastest re-synthesis rate (× speed) for a unit that overflows its slot. */
  maxRate: z.number().min(1).max(2).default(1.25),
  /** espeak-ng, which turns the text into phonemes. */
  binary: z.string().min(1).default('espeak-ng'),
  ...onnxRuntimeOptions,
});
export type KokoroOptions = z.infer<typeof KokoroOptions>;
