import { assignSpeakerVoices } from '../sdk/speaker-voices.js';

/**
 * A distinct voice variant per speaker: a diarized speaker 'S<n>' always gets variant n - 1
 * (the same voice in every episode of a series), other speakers by first appearance.
 */
export function assignSpeakerVariants(speakers: ReadonlyArray<string | undefined>, variants: readonly string[]): Map<string, string> {
  return assignSpeakerVoices(speakers, variants);
}
