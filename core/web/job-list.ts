/**
 * The job list: one card per job, updated in place (a card is rebuilt only when its job
 * changed, and the finished part, with the player, only once) so focus and playback survive
 * the updates. Status changes are announced through the page's live region.
 */
import { api, ApiFailure } from './api.js';
import { announce, h } from './dom.js';
import { baseName, bytes, duration, eta, languageName, percent } from './format.js';
import { artifactsOf, type JobView, type StageView } from './job-feed.js';
import { player } from './player.js';
import { costSummary } from './cost-summary.js';
import { qaSummary } from './qa-summary.js';

interface Card { el: HTMLElement; live: HTMLElement; actions: HTMLElement; details: HTMLElement; state: string; status: string; detailsFor?: string }

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export class JobList {
  private readonly cards = new Map<string, Card>();

  constructor(private readonly root: HTMLElement, private readonly changed: () => void) {}

  show(jobs: JobView[]): void {
    const seen = new Set<string>();
    let before: Element | null = this.root.firstElementChild;
    for (const job of jobs) {
      seen.add(job.id);
      const card = this.cards.get(job.id) ?? this.create(job);
      this.update(card, job);
      if (card.el !== before) this.root.insertBefore(card.el, before);
      before = card.el.nextElementSibling;
    }
    for (const [id, card] of this.cards) if (!seen.has(id)) { card.el.remove(); this.cards.delete(id); }
    this.root.toggleAttribute('data-empty', jobs.length === 0);
  }

  private create(job: JobView): Card {
    const live = h('div', { class: 'live' });
    const actions = h('div', { class: 'actions' });
    const details = h('div', { class: 'details' });
    const el = h('article', { class: 'job', 'aria-labelledby': `job-${job.id}-title` },
      h('header', {}, h('h3', { id: `job-${job.id}-title` }, baseName(job.input)),
        h('span', { class: 'muted' }, ` ${job.preset} → ${job.targetLanguages.map(languageName).join(', ') || '—'}`)),
      live, actions, details);
    const card: Card = { el, live, actions, details, state: '', status: '' };
    this.cards.set(job.id, card);
    return card;
  }

  private update(card: Card, job: JobView): void {
    const state = JSON.stringify([job.status, job.progress, job.etaSeconds, job.progressNote, job.stages, job.error]);
    if (state === card.state) return;
    if (card.status && card.status !== job.status) announce(`${baseName(job.input)}: ${job.status}`);
    card.state = state;
    card.el.dataset.status = job.status;
    card.live.replaceChildren(...progressView(job));
    if (card.status !== job.status) card.actions.replaceChildren(...this.actionsFor(job));
    card.status = job.status;
    if (job.status === 'succeeded' && card.detailsFor !== job.id + job.finishedAt) {
      card.detailsFor = job.id + job.finishedAt;
      void this.finished(card.details, job);
    } else if (job.status !== 'succeeded') {
      card.detailsFor = undefined;
      card.details.replaceChildren();
    }
  }

  private actionsFor(job: JobView): HTMLElement[] {
    const act = (label: string, run: () => Promise<unknown>) => h('button', { type: 'button', onclick: async () => {
      try { await run(); } catch (e) { announce(e instanceof ApiFailure ? e.error.message : String(e)); }
      this.changed();
    } }, label);
    const id = encodeURIComponent(job.id);
    const out: HTMLElement[] = [];
    if (!TERMINAL.has(job.status)) out.push(act('Cancel', () => api(`/api/jobs/${id}/cancel`, { method: 'POST' })));
    if (job.status === 'failed' || job.status === 'cancelled') out.push(act('Retry', () => api(`/api/jobs/${id}/retry`, { method: 'POST' })));
    if (job.status !== 'running') out.push(act('Delete', () => api(`/api/jobs/${id}`, { method: 'DELETE' })));
    return out;
  }

  private async finished(into: HTMLElement, job: JobView): Promise<void> {
    const artifacts = await artifactsOf(job.id).catch(() => []);
    const players = job.targetLanguages.map((lang) => player(job.id, lang, artifacts)).filter((p): p is HTMLElement => p !== null);
    const qa = qaSummary(job.qa);
    into.replaceChildren(
      ...players,
      artifacts.length ? h('section', { class: 'downloads', 'aria-label': 'Downloads' }, h('h3', {}, 'Downloads'),
        h('ul', {}, ...artifacts.map((a) => h('li', {}, h('a', { href: a.url, download: a.name }, a.name), h('span', { class: 'muted' }, ` ${a.kind}, ${bytes(a.size)}`))))) : '',
      qa ?? '');
  }
}

function progressView(job: JobView): HTMLElement[] {
  const label = `${job.status}${job.status === 'running' ? `, ${percent(job.progress)}` : ''}`;
  const out: HTMLElement[] = [
    h('div', { class: 'overall' },
      h('progress', { max: 1, value: job.progress, 'aria-label': `Job progress: ${label}` }),
      h('span', { class: `status ${job.status}` }, label),
      job.etaSeconds !== undefined ? h('span', { class: 'muted' }, ` · ${eta(job.etaSeconds)}`) : null,
      job.progressNote ? h('span', { class: 'muted' }, ` · ${job.progressNote}`) : null),
  ];
  if (job.error) out.push(h('p', { class: 'error', role: 'alert' }, h('strong', {}, job.error.code), ` ${job.error.message}`, job.error.hint ? h('br') : null, job.error.hint ?? ''));
  const cost = costSummary(job.cost);
  if (cost) out.push(cost);
  if (job.stages.length) out.push(h('details', { class: 'stages', open: job.status === 'running' }, h('summary', {}, 'Stages'), h('ol', {}, ...job.stages.map(stageView))));
  return out;
}

function stageView(s: StageView): HTMLElement {
  return h('li', { class: `stage ${s.status}` },
    h('span', { class: 'stage-name' }, s.id), s.provider ? h('span', { class: 'muted' }, ` ${s.provider}`) : null,
    h('progress', { max: 1, value: s.progress, 'aria-label': `${s.id}: ${s.status}, ${percent(s.progress)}` }),
    h('span', { class: 'muted' }, ` ${s.cached ? 'cached' : s.status}${s.durationMs !== undefined ? `, ${duration(s.durationMs)}` : ''}`),
    s.error ? h('div', { class: 'error' }, `${s.error.code}: ${s.error.message}`) : null);
}
