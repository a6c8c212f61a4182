/**
 * A job's cost ledger as people read it: what cloud providers were paid (priced from
 * budget.prices), what the per-line cache saved, and a table of what was bought in which step.
 */
import { h } from './dom.js';

export interface CostLineView {
  step?: string; provider: string; product?: string; unit: string;
  state: 'reserved' | 'settled' | 'unconfirmed' | 'reused';
  quantity: number; usd?: number;
}

export interface CostView { totalUsd: number; savedUsd: number; unpriced: boolean; lines: CostLineView[] }

export function usd(n: number): string {
  return `$${n.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

const UNIT_NAMES: Record<string, string> = {
  characters: 'characters', audioSeconds: 's of audio', inputTokens: 'input tokens', outputTokens: 'output tokens',
  predictions: 'predictions', predictSeconds: 's of model time',
};

const STATE_NAMES: Record<CostLineView['state'], string> = {
  reserved: 'in progress', settled: 'billed', unconfirmed: 'may have been billed (the run stopped mid-call)', reused: 'reused from the cache, not paid',
};

export function costSummary(cost: CostView | undefined): HTMLElement | null {
  if (!cost || cost.lines.length === 0) return null;
  const headline = `Cloud cost: ${usd(cost.totalUsd)}${cost.unpriced ? ' and unpriced use' : ''}${cost.savedUsd > 0 ? ` · ${usd(cost.savedUsd)} saved by the cache` : ''}`;
  return h('details', { class: 'cost' },
    h('summary', {}, headline),
    h('table', { class: 'facts' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Step'), h('th', { scope: 'col' }, 'Provider'), h('th', { scope: 'col' }, 'Used'), h('th', { scope: 'col' }, 'Cost'), h('th', { scope: 'col' }, 'State'))),
      h('tbody', {}, ...cost.lines.map((l) => h('tr', {},
        h('td', {}, l.step ?? '—'),
        h('td', {}, l.product ? `${l.provider} (${l.product})` : l.provider),
        h('td', {}, `${Math.round(l.quantity * 100) / 100} ${UNIT_NAMES[l.unit] ?? l.unit}`),
        h('td', {}, l.usd === undefined ? 'no price set' : usd(l.usd)),
        h('td', {}, STATE_NAMES[l.state] ?? l.state))))));
}
