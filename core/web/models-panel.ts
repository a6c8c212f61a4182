/**
 * The models panel: the catalogue's models (installed or not, size, licence, what each
 * improves) from GraphQL's `models`, and a Pull button for each one not installed. A pull runs
 * in the server (`pullModel` answers at once); the panel follows `modelPullUpdated` as
 * server-sent events, read like the job feed (the key travels in a header), with a progress
 * bar, and reads the list again when the pull ends. A pull already under way when the page
 * loads (another tab, a reload) is followed the same way.
 */
import { apiFetch, ApiFailure, graphql } from './api.js';
import { announce, h } from './dom.js';
import { bytes, percent } from './format.js';
import { eventStream } from './event-stream.js';

interface Pull {
  id: string; status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED'; bytes: number; total: number;
  file: string | null; waiting: boolean; error: { code: string; message: string; hint: string } | null;
}

interface Model {
  id: string; title: string | null; task: string; languages: string[] | null; pairs: Array<{ source: string; target: string }> | null;
  sizeMb: number; license: string; improves: string | null; gated: boolean;
  installed: boolean; outdated: boolean; inCatalogue: boolean; problem: string | null; pull: Pull | null;
}

const PULL = 'id status bytes total file waiting error { code message hint }';
const LIST = `query PageModels { models { id title task languages pairs { source target } sizeMb license improves gated installed outdated inCatalogue problem pull { ${PULL} } } }`;
const START = `mutation PagePullModel($id: ID!) { pullModel(id: $id) { ${PULL} } }`;
const FOLLOW = `subscription PageModelPull($id: ID!) { modelPullUpdated(id: $id) { ${PULL} } }`;

const TASKS: Record<string, string> = {
  asr: 'speech recognition', mt: 'translation', tts: 'voice', segmentation: 'speaker segmentation',
  'speaker-embedding': 'speaker recognition', separate: 'voice/background separation',
};

/** Pulls this page follows, by model id: one stream each. */
const following = new Set<string>();

export async function showModels(list: HTMLElement): Promise<void> {
  const { models } = await graphql<{ models: Model[] }>(LIST);
  list.replaceChildren(...models.length ? models.map((m) => modelItem(m, list)) : [h('li', { class: 'muted' }, 'The model catalogue is empty.')]);
  for (const m of models) if (m.pull?.status === 'RUNNING') void follow(m.id, list);
}

function modelItem(m: Model, list: HTMLElement): HTMLElement {
  const state = m.problem ? 'broken' : m.installed ? (m.outdated ? 'outdated' : 'installed') : 'not installed';
  const languages = m.pairs?.length ? m.pairs.map((p) => `${p.source}→${p.target}`).join(', ') : m.languages ? m.languages.join(', ') : 'any language';
  const size = m.sizeMb >= 1000 ? `${(m.sizeMb / 1000).toFixed(1)} GB` : `${Math.max(1, Math.round(m.sizeMb))} MB`;
  const titleId = `model-${m.id}-title`;
  const canPull = m.inCatalogue && (!m.installed || m.outdated) && !m.problem;
  const label = m.outdated ? 'Update' : 'Pull';
  return h('li', { class: `model ${m.installed && !m.outdated ? 'ok' : 'down'}`, 'data-model': m.id, 'aria-labelledby': titleId },
    h('span', { class: 'badge state' }, state), ' ',
    h('strong', { id: titleId }, m.title ?? m.id),
    h('div', { class: 'muted' }, [m.id, TASKS[m.task] ?? m.task, size, `licence ${m.license}`, languages].join(' · ')),
    m.improves ? h('div', { class: 'improves' }, `Improves ${m.improves}`) : null,
    m.gated ? h('div', { class: 'reason' }, 'Gated on Hugging Face: the server needs HF_TOKEN of an account that accepted the licence.') : null,
    m.problem ? h('div', { class: 'reason' }, m.problem) : null,
    canPull ? h('button', { type: 'button', class: 'pull', 'aria-label': `${label} ${m.id}`, onclick: (e: Event) => { void start(m.id, list, e.target as HTMLButtonElement); } }, label) : null,
    h('progress', { class: 'pull-progress', hidden: true, max: 1, value: 0, 'aria-label': `Download of ${m.id}` }),
    h('p', { class: 'pull-status', 'aria-live': 'polite' }, failure(m.pull)));
}

async function start(id: string, list: HTMLElement, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const { pullModel } = await graphql<{ pullModel: Pull }>(START, { id });
    render(id, list, pullModel);
    if (pullModel.status === 'RUNNING') await follow(id, list);
    else await showModels(list);
  } catch (e) {
    const status = list.querySelector<HTMLElement>(`[data-model="${CSS.escape(id)}"] .pull-status`);
    if (status) status.textContent = `The pull did not start: ${e instanceof ApiFailure ? `${e.error.message} (${e.error.code})` : String(e)}`;
    button.disabled = false;
  }
}

/** Follows one pull to its end, then reads the list again (installed now, or the error to show). */
async function follow(id: string, list: HTMLElement): Promise<void> {
  if (following.has(id)) return;
  following.add(id);
  let last: Pull | undefined;
  try {
    const res = await apiFetch('/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: FOLLOW, variables: { id } }),
    });
    if (!res.ok || !res.body) throw new Error(`the pull's stream answered ${res.status}`);
    for await (const e of eventStream(res.body, () => {})) {
      if (e.event === 'complete') break;
      if (e.event !== 'next') continue;
      const pull = (JSON.parse(e.data) as { data?: { modelPullUpdated: Pull | null } }).data?.modelPullUpdated;
      if (!pull) continue;
      last = pull;
      render(id, list, pull);
    }
  } catch {
    // The stream dropped: the list read below shows where the pull stands.
  } finally {
    following.delete(id);
  }
  if (last && last.status !== 'RUNNING') announce(last.status === 'SUCCEEDED' ? `${id} is installed` : `The pull of ${id} ${last.status.toLowerCase()}`);
  await showModels(list);
}

/** The bar and the line under it, in place (no rebuild: the button keeps its focus). */
function render(id: string, list: HTMLElement, p: Pull): void {
  const item = list.querySelector<HTMLElement>(`[data-model="${CSS.escape(id)}"]`);
  if (!item) return;
  const bar = item.querySelector<HTMLProgressElement>('.pull-progress')!;
  const status = item.querySelector<HTMLElement>('.pull-status')!;
  const button = item.querySelector<HTMLButtonElement>('button.pull');
  if (button) button.disabled = p.status === 'RUNNING';
  bar.hidden = p.status !== 'RUNNING';
  bar.max = p.total || 1;
  bar.value = p.bytes;
  item.dataset.pull = p.status.toLowerCase();
  status.textContent = p.status === 'RUNNING'
    ? p.waiting ? 'Waiting for another dubarr process that is pulling this model…'
      : `Downloading: ${percent(p.total ? p.bytes / p.total : 0)} (${bytes(p.bytes)} of ${bytes(p.total)})${p.file ? `, ${p.file}` : ''}`
    : failure(p) ?? (p.status === 'SUCCEEDED' ? 'Installed.' : '');
}

function failure(p: Pull | null): string | undefined {
  if (!p || (p.status !== 'FAILED' && p.status !== 'CANCELLED') || !p.error) return undefined;
  return `The last pull ${p.status.toLowerCase()}: ${p.error.message} (${p.error.code}). ${p.error.hint}`;
}
