/**
 * Every unit's phoneme ids, per sentence, before any unit is spoken (espeak-ng runs once per
 * few hundred clauses; a faster re-reading of a unit reuses its ids).
 */
import type { Cancellation } from '../sdk/errors.js';
import { espeakUnits } from '../sdk/espeak-phonemes.js';
import type { VoicedUnit } from '../sdk/synthesis-units.js';
import { phonemeIds, piperSentences } from './phoneme-ids.js';
import type { PiperVoice } from './piper-voices.js';

export interface UnitPhonemes {
  /** Sentence id lists by unit id; a unit with nothing speakable has none. */
  ids: Map<string, number[][]>;
  /** Phonemes a unit's voice had no id for, with counts, over all units. */
  missing: Map<string, number>;
}

export async function phonemizeUnits(
  units: readonly VoicedUnit[], voiceOf: (unit: VoicedUnit) => PiperVoice, binary: string, cancel: Cancellation,
): Promise<UnitPhonemes> {
  const phonemes = await espeakUnits(units, (u) => voiceOf(u).model.espeakVoice, { binary, cancel });
  const ids = new Map<string, number[][]>();
  const missing = new Map<string, number>();
  for (const unit of units) {
    const { clauses, ipa } = phonemes.get(unit.id)!;
    ids.set(unit.id, piperSentences(clauses, ipa).map((sentence) => {
      const r = phonemeIds(sentence, voiceOf(unit).model.config);
      for (const [p, n] of r.missing) missing.set(p, (missing.get(p) ?? 0) + n);
      return r.ids;
    }));
  }
  return { ids, missing };
}
