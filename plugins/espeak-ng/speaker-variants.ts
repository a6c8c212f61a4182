import { assignSpeakerVoices } from '../sdk/speaker-voices.js';
import { castVoices, type SpeakerHint } from '../sdk/voice-casting.js';

/**
 * A distinct voice variant per speaker: a diarized speaker 'S<n>' always gets variant n - 1
 * (the same voice in every episode of a series), other speakers by first appearance. When
 * something is known about the speakers (a script's characters: gender, or a variant named as
 * their voice), they are cast like neural voices instead, a variant's gender read from its
 * name (espeak-ng's m1..m7 are male, f1..f5 female), so a woman is never given a man's voice.
 */
export function assignSpeakerVariants(
  speakers: ReadonlyArray<string | undefined>, variants: readonly string[], hints: ReadonlyMap<string, SpeakerHint> = new Map(),
): Map<string, string> {
  const labels = speakers.filter((s): s is string => s !== undefined);
  const told = labels.some((s) => hints.get(s)?.gender !== undefined || hints.get(s)?.voice !== undefined);
  if (!told) return assignSpeakerVoices(speakers, variants);
  const voices = variants.map((id) => ({ id, gender: id.startsWith('f') ? 'female' as const : id.startsWith('m') ? 'male' as const : undefined }));
  // A voice named outright that is not a variant of this list (a neural voice id) is not espeak's to honour.
  const usable = new Map([...hints].map(([s, h]) => [s, variants.includes(h.voice ?? '') ? h : { gender: h.gender }]));
  return castVoices(labels, voices, usable);
}
