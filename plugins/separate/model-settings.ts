/**
 * What a separation model's catalogue entry must say in `settings` (the ONNX file does not carry
 * it): the STFT the model was trained on and what its output is. Read by this provider only.
 *
 * MDX-Net (UVR's ONNX exports; values from UVR's model data, e.g. UVR-MDX-NET-Voc_FT):
 *   { sampleRate: 44100, nFft: 7680, hop: 1024, dimF: 3072, dimT: 256, compensate: 1.021, primaryStem: vocals }
 * No other key: one spelt otherwise in the catalogue is an error, not a default silently taken.
 * The model file is the entry's only .onnx file, or the one `file` names. Its input is `input`
 * and its output `output`, both float32 [batch, 4, dimF, dimT].
 */
import { z } from 'zod';
import { DubarrError } from '../sdk/index.js';
import type { InstalledModel } from '../sdk/models.js';
import { realFftSizeOk } from './real-fft.js';

export const MdxSettings = z.strictObject({
  architecture: z.literal('mdx').default('mdx'),
  /** The .onnx file among the entry's files; default: the only one. */
  file: z.string().optional(),
  /** The rate the model was trained at; the source is resampled to it. */
  sampleRate: z.int().min(8000).max(192000).default(44100),
  nFft: z.int().refine(realFftSizeOk, 'a multiple of 32 with no prime factor but 2, 3 and 5'),
  hop: z.int().positive().default(1024),
  /** Frequency bins the model takes (the first dimF of nFft / 2 + 1). */
  dimF: z.int().positive(),
  /** STFT frames per chunk (the tensor's last dimension). */
  dimT: z.int().min(2).default(256),
  /** Gain applied to the model's stem (UVR's per-model "compensate"). */
  compensate: z.number().positive().default(1),
  /** Lowest bins zeroed in the model's input, as UVR does for every MDX-Net model. */
  zeroLowBins: z.int().min(0).default(3),
  /** What the model outputs: the vocals, or everything but them (UVR's "Inst" models). */
  primaryStem: z.enum(['vocals', 'instrumental']).default('vocals'),
}).refine((s) => s.dimF <= s.nFft / 2 + 1, { message: 'dimF cannot exceed nFft / 2 + 1 bins', path: ['dimF'] })
  .refine((s) => s.hop <= s.nFft, { message: 'hop cannot exceed nFft (frames would leave gaps)', path: ['hop'] })
  .refine((s) => s.hop * (s.dimT - 1) > s.nFft, { message: 'a chunk (hop * (dimT - 1)) must be longer than nFft', path: ['dimT'] });
export type MdxSettings = z.infer<typeof MdxSettings>;

export interface SeparationModel {
  settings: MdxSettings;
  /** Absolute path of the ONNX file. */
  onnx: string;
}

export function separationModel(model: InstalledModel): SeparationModel {
  const parsed = MdxSettings.safeParse(model.entry.settings ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ');
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the separation model ${model.id} has unusable settings in its catalogue entry (${problems}); fix the entry or pull a listed model (dubarr models list)`);
  }
  const settings = parsed.data;
  const onnxFiles = model.entry.files.map((f) => f.path).filter((p) => p.endsWith('.onnx'));
  const file = settings.file ?? (onnxFiles.length === 1 ? onnxFiles[0] : undefined);
  if (!file || !model.entry.files.some((f) => f.path === file)) {
    throw new DubarrError('E_PROVIDER_UNAVAILABLE', `the separation model ${model.id} does not say which of its files is the ONNX model (settings.file), or names one it does not have`);
  }
  return { settings, onnx: model.file(file) };
}
