/**
 * The cost ledger (table `costs`): what cloud providers were paid per job and step, priced from
 * budget.prices, and the budgets checked before each purchase. A plugin reserves its estimate
 * before the request (CostMeter.reserve); the check and the reservation are one IMMEDIATE
 * transaction, so two stages, or a server and a `dubarr dub` on the same database, cannot both
 * pass the last dollar. Settling writes what the vendor billed; releasing deletes the row.
 */
import type { CostMeter, CostUnit, Spend } from '../../plugins/sdk/cost.js';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { Config } from '../config/schema.js';
import type { Db } from './database.js';

export type CostState = 'reserved' | 'settled' | 'unconfirmed' | 'reused';

/** One line of a job's cost: spending of one kind in one step, summed. */
export interface CostLine {
  step?: string;
  provider: string;
  product?: string;
  unit: CostUnit;
  /** Bought (reserved, settled or unconfirmed) or, for 'reused', taken from the cache instead. */
  state: CostState;
  quantity: number;
  /** Undefined when no price is configured for it. */
  usd?: number;
}

export interface JobCost {
  /** USD spent (settled, unconfirmed and still reserved), priced lines only. */
  totalUsd: number;
  /** USD the per-unit cache saved (results reused instead of bought again). */
  savedUsd: number;
  /** Some spending has no configured price, so totalUsd leaves it out. */
  unpriced: boolean;
  lines: CostLine[];
}

type Budget = Config['budget'];

/** Spending that counts against budgets. */
const SPENT = "state IN ('reserved', 'settled', 'unconfirmed')";

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** '$0.27', '$12.50', '$0.0012': cents, or four decimals for what is less than a cent. */
export const dollars = (usd: number) => `$${usd.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1')}`;

export class CostLedger {
  // Prepared once: a dub's synthesis reserves and settles once a line.
  private readonly q: ReturnType<typeof statements>;
  private readonly reserveTx: (jobId: string | undefined, step: string | undefined, spend: Spend) => number;

  constructor(private readonly db: Db, private readonly budget: Budget, private readonly now: () => number = Date.now) {
    this.q = statements(db);
    this.reserveTx = db.transaction((jobId: string | undefined, step: string | undefined, spend: Spend) => {
      const usd = this.price(spend, spend.quantity);
      if (usd !== undefined && usd > 0) this.check(jobId, spend, usd);
      return this.insert(jobId, step, spend, 'reserved');
    }).immediate;
  }

  /** USD for `quantity` of a unit, or undefined when the config prices it nowhere. */
  price(spend: Pick<Spend, 'provider' | 'product' | 'unit'>, quantity: number): number | undefined {
    const p = this.budget.prices[spend.provider];
    const each = (spend.product !== undefined ? p?.products[spend.product]?.[spend.unit] : undefined) ?? p?.[spend.unit];
    return each === undefined ? undefined : each * quantity;
  }

  /** The meter a stage of a job sees (StageContext.cost); job undefined for work outside jobs. */
  meterFor(jobId: string | undefined, step: string | undefined): CostMeter {
    return {
      reserve: async (spend) => {
        const id = this.reserve(jobId, step, spend);
        return {
          settle: async (billed) => { this.settle(id, spend, billed ?? spend.quantity); },
          release: async () => { this.q.release.run(id); },
        };
      },
      reused: (spend) => { this.insert(jobId, step, spend, 'reused'); },
    };
  }

  /** Checks both budgets and holds the estimate, in one write transaction; the row id. */
  reserve(jobId: string | undefined, step: string | undefined, spend: Spend): number {
    return this.reserveTx(jobId, step, spend);
  }

  private check(jobId: string | undefined, spend: Spend, usd: number): void {
    const what = `${spend.provider}: ${spend.what ?? `${spend.quantity} ${spend.unit}`} would cost ${dollars(usd)}`;
    const { perJob, perDay } = this.budget;
    if (perJob !== null && jobId !== undefined) {
      const spent = (this.q.jobSpent.get(jobId) as { s: number }).s;
      if (spent + usd > perJob) {
        throw new DubarrError('E_BUDGET_EXCEEDED', `${what}, and this job has spent ${dollars(spent)} of its ${dollars(perJob)} (budget.perJob)`);
      }
    }
    if (perDay !== null) {
      const day = this.today();
      const spent = this.spentOn(day);
      if (spent + usd > perDay) {
        throw new DubarrError('E_BUDGET_EXCEEDED', `${what}, and ${dollars(spent)} of the day's ${dollars(perDay)} (budget.perDay, ${day} UTC) is spent`);
      }
    }
  }

  private insert(jobId: string | undefined, step: string | undefined, spend: Spend, state: CostState): number {
    const now = this.now();
    const r = this.q.insert.run(
      jobId ?? null, step ?? null, spend.provider, spend.product ?? null, spend.unit, spend.quantity,
      this.price(spend, spend.quantity) ?? null, state, spend.what ?? null, utcDay(now), now,
    );
    return Number(r.lastInsertRowid);
  }

  private settle(id: number, spend: Spend, billed: number): void {
    this.q.settle.run(billed, this.price(spend, billed) ?? null, id);
  }

  /**
   * Reservations a job's earlier run left open (its process stopped during a request): they may
   * have been billed, so they stay counted, marked unconfirmed. Called as the job starts again,
   * when none of its stages runs.
   */
  closeOpenReservations(jobId: string): number {
    return this.q.unconfirm.run(jobId).changes;
  }

  /** Each job's cost, for the jobs that have any ledger rows. */
  forJobs(jobIds: readonly string[]): Map<string, JobCost> {
    const out = new Map<string, JobCost>();
    if (jobIds.length === 0) return out;
    const rows = this.db.prepare(`SELECT job_id, step, provider, product, unit, state, SUM(quantity) AS quantity, SUM(usd) AS usd, COUNT(usd) AS priced, COUNT(*) AS n
      FROM costs WHERE job_id IN (SELECT value FROM json_each(?))
      GROUP BY job_id, step, provider, product, unit, state ORDER BY MIN(id)`).all(JSON.stringify(jobIds)) as Array<{
      job_id: string; step: string | null; provider: string; product: string | null; unit: CostUnit; state: CostState;
      quantity: number; usd: number | null; priced: number; n: number;
    }>;
    for (const r of rows) {
      let cost = out.get(r.job_id);
      if (!cost) out.set(r.job_id, (cost = { totalUsd: 0, savedUsd: 0, unpriced: false, lines: [] }));
      const usd = r.priced === r.n && r.usd !== null ? r.usd : undefined;
      cost.lines.push({ step: r.step ?? undefined, provider: r.provider, product: r.product ?? undefined, unit: r.unit, state: r.state, quantity: r.quantity, usd });
      if (r.state === 'reused') cost.savedUsd += r.usd ?? 0;
      else cost.totalUsd += r.usd ?? 0;
      if (r.state !== 'reused' && usd === undefined) cost.unpriced = true;
    }
    return out;
  }

  /** The UTC day budget.perDay counts now ('2026-11-26'). */
  today(): string {
    return utcDay(this.now());
  }

  /** USD spent on a UTC day by provider (for /metrics). */
  spentOnByProvider(day: string): Map<string, number> {
    const rows = this.db.prepare(`SELECT provider, COALESCE(SUM(usd), 0) AS s FROM costs WHERE day = ? AND ${SPENT} GROUP BY provider`).all(day) as Array<{ provider: string; s: number }>;
    return new Map(rows.map((r) => [r.provider, r.s]));
  }

  /** USD spent on a UTC day ('2026-11-26'), all jobs and work outside jobs. */
  spentOn(day: string): number {
    return (this.q.daySpent.get(day) as { s: number }).s;
  }
}

function statements(db: Db) {
  return {
    insert: db.prepare(`INSERT INTO costs (job_id, step, provider, product, unit, quantity, usd, state, what, day, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    settle: db.prepare("UPDATE costs SET state = 'settled', quantity = ?, usd = ? WHERE id = ?"),
    release: db.prepare('DELETE FROM costs WHERE id = ?'),
    unconfirm: db.prepare("UPDATE costs SET state = 'unconfirmed' WHERE job_id = ? AND state = 'reserved'"),
    // The running totals the costs table's triggers keep (migration 008).
    jobSpent: db.prepare("SELECT COALESCE((SELECT usd FROM cost_totals WHERE scope = 'job' AND key = ?), 0) AS s"),
    daySpent: db.prepare("SELECT COALESCE((SELECT usd FROM cost_totals WHERE scope = 'day' AND key = ?), 0) AS s"),
  };
}
