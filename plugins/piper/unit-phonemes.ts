/**
 * Every unit's phoneme ids, per sentence, before any unit is spoken: the clauses of all units
 * that share an espeak-ng voice go through espeak-ng together (one process per few hundred
 * clauses), and a faster re-reading of a unit reuses its ids.
 */
import type { Cancellation } from '../sdk/errors.js';
import { espeakIpa } from '../sdk/espeak-phonemes.js';
import { splitClauses, type Clause } from '../sdk/speech-clauses.js';
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
  const clauses = new Map<string, Clause[]>(units.map((u) => [u.id, splitClauses(u.target)]));
  const byEspeakVoice = new Map<string, VoicedUnit[]>();
  for (const u of units) {
    const key = voiceOf(u).model.espeakVoice;
    byEspeakVoice.set(key, [...(byEspeakVoice.get(key) ?? []), u]);
  }
  const ids = new Map<string, number[][]>();
  const missing = new Map<string, number>();
  for (const [espeakVoice, group] of byEspeakVoice) {
    const texts = group.flatMap((u) => clauses.get(u.id)!.map((c) => c.text));
    const ipa = await espeakIpa(texts, { binary, voice: espeakVoice, cancel });
    let at = 0;
    for (const unit of group) {
      const own = clauses.get(unit.id)!;
      const sentences = piperSentences(own, ipa.slice(at, at + own.length));
      at += own.length;
      ids.set(unit.id, sentences.map((phonemes) => {
        const r = phonemeIds(phonemes, voiceOf(unit).model.config);
        for (const [p, n] of r.missing) missing.set(p, (missing.get(p) ?? 0) + n);
        return r.ids;
      }));
    }
  }
  return { ids, missing };
}
