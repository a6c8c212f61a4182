/** The mix stage's inputs, validated. */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DubarrError, FitPlan, SeparatedAudio, optionalDocument, parseOptions, requireDocument, type StageInput } from '../sdk/index.js';
import { MixOptions } from './options.js';

export function readOptions(input: StageInput): MixOptions {
  return parseOptions(MixOptions, input, 'mix');
}

export interface FitInput { plan: FitPlan; files: Record<string, string> }

export function readFit(input: StageInput): FitInput {
  const plan = requireDocument(FitPlan, input, 'fit', 'a FitPlan', 'mix:mix');
  const files = input.inputs.fit!.files;
  for (const u of plan.units) {
    const path = files[u.file];
    if (!path) throw new DubarrError('E_INVALID_ARGUMENT', `inputs.fit unit '${u.id}' names file '${u.file}', which the fit stage did not produce`);
    if (!existsSync(path)) throw new DubarrError('E_INPUT_NOT_FOUND', `the fitted audio of unit '${u.id}' is missing (${path}); re-run the fit stage`);
  }
  return { plan, files };
}

export function readSourcePath(input: StageInput): string {
  const p = input.inputs.source?.files.media;
  if (typeof p !== 'string' || !p) throw new DubarrError('E_INVALID_ARGUMENT', 'mix needs inputs.source (the job\'s media file)');
  if (!existsSync(p)) throw new DubarrError('E_INPUT_NOT_FOUND', `${p} does not exist`);
  return p;
}

/** The fields of the extract document the mix reads. */
export const MixSource = z.object({
  /** Absolute index of the audio stream being dubbed. */
  audioStream: z.number().int().nonnegative(),
  channels: z.number().int().positive().max(16),
  channelLayout: z.string(),
  sampleRate: z.number().int().positive(),
  /** Where that stream starts on the video timeline, ms. */
  startMs: z.number().int(),
  /** The media's length, ms. */
  durationMs: z.number().int().nonnegative(),
  container: z.string(),
});
export type MixSource = z.infer<typeof MixSource>;

export function readExtract(input: StageInput): MixSource {
  return requireDocument(MixSource, input, 'extract', 'an extract document', 'mix:mix');
}

export interface Separation { data: SeparatedAudio; vocals: string }

/** The separate step's vocals, when it ran (a skipped step hands over no document). */
export function readSeparation(input: StageInput): Separation | undefined {
  const out = input.inputs.separated;
  if (!out || out.data === null) return undefined;
  const data = optionalDocument(SeparatedAudio, input, 'separated', 'a separation (SeparatedAudio)')!;
  const vocals = out.files.vocals;
  if (!vocals || !existsSync(vocals)) throw new DubarrError('E_INPUT_NOT_FOUND', `the separated vocals are missing (${vocals ?? 'no file'}); re-run the separate step`);
  return { data, vocals };
}
