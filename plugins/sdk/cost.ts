/**
 * What a cloud call costs, as plugins report it. A plugin says what it is about to buy (so many
 * characters of DeepL, seconds of ElevenLabs speech, one Replicate prediction) before sending
 * the request; the runtime prices it from `budget.prices`, refuses with E_BUDGET_EXCEEDED when
 * it would pass `budget.perJob` or `budget.perDay` (so nothing is spent), and keeps it in the
 * job's cost ledger, shown in the QA report, the API and the page. Plugins never see prices.
 *
 * A call's result found in the per-unit cache (provider-cache.ts) is not bought: report it with
 * `reused`, so the ledger can say what the cache saved.
 */
import { DubarrError } from './errors.js';

/**
 * What a provider bills by. `budget.prices.<provider>.<unit>` is the price of one.
 * characters: text sent (DeepL, ElevenLabs speech); audioSeconds: audio sent or made
 * (transcription, speech billed by time); inputTokens/outputTokens: LLM tokens; predictions:
 * one model run (Replicate, billed per run); predictSeconds: model time (Replicate, billed by
 * hardware time).
 */
export type CostUnit = 'characters' | 'audioSeconds' | 'inputTokens' | 'outputTokens' | 'predictions' | 'predictSeconds';

export const COST_UNITS: readonly CostUnit[] = ['characters', 'audioSeconds', 'inputTokens', 'outputTokens', 'predictions', 'predictSeconds'];

export interface Spend {
  /** The plugin's name ('deepl'); with the unit, it picks the price. */
  provider: string;
  unit: CostUnit;
  /**
   * The vendor's product or model when its price differs by it ('scribe_v1', 'dubbing', a
   * Replicate model 'owner/name'): budget.prices.<provider>.products.<product>.<unit> is used
   * before budget.prices.<provider>.<unit>.
   */
  product?: string;
  /** How many units: the estimate before the call, what the vendor billed after it. */
  quantity: number;
  /** What was bought, for people: 'translate 12 lines to es', 'voice of S1 (3 lines)'. */
  what?: string;
}

export interface CostReservation {
  /** The call was made: record what the vendor billed (the estimate when omitted). */
  settle(billedQuantity?: number): Promise<void>;
  /** The call was not made or not billed: give the reservation back. */
  release(): Promise<void>;
}

export interface CostMeter {
  /**
   * Before a billable request. Throws E_BUDGET_EXCEEDED, having spent nothing, when the
   * estimate would take the job or the day past its budget; else holds the estimate (so stages
   * running at once cannot both pass the last dollar) until settle or release.
   */
  reserve(spend: Spend): Promise<CostReservation>;
  /** A result taken from the per-unit cache instead of being bought again. */
  reused(spend: Spend): void;
}

/**
 * Runs one billable request inside a reservation: reserve, call, settle with what the answer
 * says was billed (`billed`, else the estimate). A call that throws is released: vendors bill
 * finished work, and the failed answers they do bill are not told apart from the others.
 */
export async function paidCall<T>(cost: CostMeter, spend: Spend, call: () => Promise<T>, billed?: (result: T) => number | undefined): Promise<T> {
  const reservation = await cost.reserve(spend);
  let result: T;
  try {
    result = await call();
  } catch (e) {
    await reservation.release();
    throw e;
  }
  await reservation.settle(billed?.(result) ?? spend.quantity);
  return result;
}

/** One line of a ledger kept in memory (tests, `memoryCostMeter`). */
export interface MeteredSpend extends Spend {
  state: 'reserved' | 'settled' | 'released' | 'reused';
}

/**
 * A meter that keeps its ledger in memory, for plugin tests (runStageForTest) and tools that
 * run stages outside a job. `limit` is a budget in units per provider+unit
 * ('deepl:characters' -> 1000) and behaves like the runtime's: refused before spending.
 */
export function memoryCostMeter(limit: Readonly<Record<string, number>> = {}): CostMeter & { entries: MeteredSpend[] } {
  const entries: MeteredSpend[] = [];
  const held = (key: string) => entries
    .filter((e) => `${e.provider}:${e.unit}` === key && (e.state === 'reserved' || e.state === 'settled'))
    .reduce((a, e) => a + e.quantity, 0);
  return {
    entries,
    async reserve(spend) {
      const key = `${spend.provider}:${spend.unit}`;
      const max = limit[key];
      if (max !== undefined && held(key) + spend.quantity > max) {
        throw new DubarrError('E_BUDGET_EXCEEDED', `${spend.provider}: ${spend.what ?? spend.unit} needs ${spend.quantity} ${spend.unit}, and the budget has ${Math.max(0, max - held(key))} left`);
      }
      const entry: MeteredSpend = { ...spend, state: 'reserved' };
      entries.push(entry);
      return {
        async settle(billedQuantity) { entry.quantity = billedQuantity ?? entry.quantity; entry.state = 'settled'; },
        async release() { entry.state = 'released'; },
      };
    },
    reused(spend) { entries.push({ ...spend, state: 'reused' }); },
  };
}

/** For a context with no ledger behind it: records nothing and never refuses. */
export const UNMETERED: CostMeter = {
  async reserve() { return { async settle() {}, async release() {} }; },
  reused() {},
};
