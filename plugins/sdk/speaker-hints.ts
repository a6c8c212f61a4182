/**
 * What a user may say about the speakers a transcript labels, per provider with several
 * voices: { Alice: { gender: female }, 'SPEAKER_02': { voice: piper-es-es-davefx-medium } }.
 * A series whose speakers keep their labels across episodes (diarize's speaker library) keeps
 * their voices this way too.
 */
import { z } from 'zod';
import type { SpeakerHint } from './voice-casting.js';

export const speakerHintsOption = z.record(z.string(), z.strictObject({
  gender: z.enum(['female', 'male']).optional(),
  age: z.enum(['child', 'young', 'adult', 'old']).optional(),
  /** A voice id the provider offers (`voice` of its SynthesizedSegments). */
  voice: z.string().min(1).optional(),
})).default({});

export function speakerHintMap(option: z.infer<typeof speakerHintsOption>): Map<string, SpeakerHint> {
  return new Map(Object.entries(option));
}
