/**
 * A voice per speaker, for providers with several voices in a language (neural voices: a
 * Piper voice per model or per speaker of a multi-speaker model, Kokoro's voice files).
 *
 * A diarized speaker of a series ('S<n>', numbered by the diarize step's speaker library) gets
 * the same voice in every episode, whoever speaks first: voice n of a fixed casting order (the
 * provider's voices in order of preference, genders alternating), among the voices that fit
 * what is known about the speaker. Other speakers (names from subtitles) are then cast in order
 * of first appearance: what is known about a speaker (a hint: gender, age, or a voice chosen
 * outright) narrows the voices to those that fit, voices known to fit first, then voices nothing
 * is known about; among those, the voice fewest speakers have so far wins, so speakers stay
 * apart as long as there are voices; then, for a speaker nothing is known about, a voice of the
 * other gender than the previous speaker's (a dialogue alternates more often than not); then
 * the provider's order of preference. A child's voice is given only to a speaker known to be a
 * child, or when nothing else is left.
 */
import type { ModelEntry } from './models.js';

export type VoiceGender = 'female' | 'male';
export type VoiceAge = NonNullable<NonNullable<ModelEntry['voice']>['age']>;

export interface VoiceTraits {
  gender?: VoiceGender;
  age?: VoiceAge;
}

export interface CastableVoice extends VoiceTraits {
  /** What the provider calls it ('piper-es-es-davefx-medium', 'kokoro:af_heart'). */
  id: string;
}

export interface SpeakerHint extends VoiceTraits {
  /** A voice chosen for this speaker outright (an id of the voices offered). */
  voice?: string;
}

/**
 * speakers: labels in order of first appearance; voices: in order of preference (the first
 * is the provider's default voice). Returns each speaker's voice id.
 */
export function castVoices(
  speakers: readonly string[],
  voices: readonly CastableVoice[],
  hints: ReadonlyMap<string, SpeakerHint> = new Map(),
): Map<string, string> {
  if (voices.length === 0) throw new Error('castVoices needs at least one voice');
  const cast = new Map<string, string>();
  const uses = new Map<string, number>(voices.map((v) => [v.id, 0]));
  const give = (speaker: string, voice: CastableVoice) => {
    cast.set(speaker, voice.id);
    uses.set(voice.id, uses.get(voice.id)! + 1);
  };
  const seen = [...new Set(speakers)];
  const order = castingOrder(voices);
  for (const speaker of seen) {
    const n = seriesSpeakerNumber(speaker);
    if (n === undefined) continue;
    const hint = hints.get(speaker) ?? {};
    const fitting = [0, 1, 2].map((worst) => order.filter((v) => fit(v, hint) <= worst)).find((l) => l.length)!;
    give(speaker, voices.find((v) => v.id === hint.voice) ?? fitting[(n - 1) % fitting.length]!);
  }
  let previous: CastableVoice | undefined;
  for (const speaker of seen) {
    if (cast.has(speaker)) continue;
    const hint = hints.get(speaker) ?? {};
    const chosen = voices.find((v) => v.id === hint.voice) ?? pick(voices, hint, uses, previous);
    give(speaker, chosen);
    previous = chosen;
  }
  return new Map(seen.map((s) => [s, cast.get(s)!]));
}

/** A diarize speaker-library id ('S3' -> 3); undefined for any other label. */
export function seriesSpeakerNumber(label: string): number | undefined {
  const m = /^S([1-9]\d*)$/.exec(label);
  return m ? Number(m[1]) : undefined;
}

/** The voices in order of preference, genders alternating from the first, children last. */
export function castingOrder(voices: readonly CastableVoice[]): CastableVoice[] {
  const rest = voices.filter((v) => v.age !== 'child');
  const order: CastableVoice[] = [];
  while (rest.length) {
    const last = order.at(-1)?.gender;
    const i = last ? rest.findIndex((v) => v.gender !== undefined && v.gender !== last) : 0;
    order.push(...rest.splice(i < 0 ? 0 : i, 1));
  }
  return [...order, ...voices.filter((v) => v.age === 'child')];
}

/** 0: known to fit; 1: nothing known against it; 2: known not to fit (or a child's voice for someone not known to be one). */
function fit(v: CastableVoice, hint: SpeakerHint): number {
  if (hint.gender && v.gender && v.gender !== hint.gender) return 2;
  if (hint.age && v.age && v.age !== hint.age) return 2;
  if (!hint.age && v.age === 'child') return 2;
  const unknown = (hint.gender !== undefined && v.gender === undefined) || (hint.age !== undefined && v.age === undefined);
  return unknown ? 1 : 0;
}

function pick(voices: readonly CastableVoice[], hint: SpeakerHint, uses: ReadonlyMap<string, number>, previous: CastableVoice | undefined): CastableVoice {
  const hinted = hint.gender !== undefined || hint.age !== undefined;
  const alternates = (v: CastableVoice) => (!hinted && previous?.gender && v.gender && v.gender !== previous.gender ? 0 : 1);
  const ranked = voices.map((v, order) => ({ v, key: [fit(v, hint), uses.get(v.id)!, alternates(v), order] }));
  ranked.sort((a, b) => {
    for (let k = 0; k < a.key.length; k++) if (a.key[k] !== b.key[k]) return a.key[k]! - b.key[k]!;
    return 0;
  });
  return ranked[0]!.v;
}
