/** Every unit's Kokoro runs before any unit is spoken (a faster re-reading reuses them). */
import type { Cancellation } from '../sdk/errors.js';
import { espeakUnits } from '../sdk/espeak-phonemes.js';
import type { VoicedUnit } from '../sdk/synthesis-units.js';
import { kokoroPhonemes, TIE } from './kokoro-phonemes.js';
import type { KokoroVoice } from './model-layout.js';
import { kokoroTokens } from './tokens.js';

export interface UnitTokens {
  runs: Map<string, number[][]>;
  /** Symbols the vocabulary has no id for, with counts, over all units. */
  missing: Map<string, number>;
}

export async function tokenizeUnits(
  units: readonly VoicedUnit[], voiceOf: (unit: VoicedUnit) => KokoroVoice, vocab: ReadonlyMap<string, number>, binary: string, cancel: Cancellation,
): Promise<UnitTokens> {
  const phonemes = await espeakUnits(units, (u) => voiceOf(u).espeak, { binary, tie: TIE, cancel });
  const runs = new Map<string, number[][]>();
  const missing = new Map<string, number>();
  for (const unit of units) {
    const { clauses, ipa } = phonemes.get(unit.id)!;
    const espeak = voiceOf(unit).espeak;
    const r = kokoroTokens(clauses, ipa.map((p) => kokoroPhonemes(p, espeak)), vocab);
    for (const [p, n] of r.missing) missing.set(p, (missing.get(p) ?? 0) + n);
    runs.set(unit.id, r.runs);
  }
  return { runs, missing };
}
