/**
 * What a job can be made with: presets and target languages for the form, and the providers'
 * status, from the server's catalog (the same objects GraphQL's presets, languages and providers
 * give). A target no installed voice speaks is shown as "subtitles only"; while the chosen preset
 * makes a dub (it needs a voice) its box is disabled and a note says why, rather than hidden, so
 * the user sees the translation exists and what is missing.
 */
import { api } from './api.js';
import { h } from './dom.js';
import { languageName } from './format.js';

interface Preset { name: string; description: string; capabilities: string[] }
interface LanguagePair { source: string; target: string; translators: string[]; voices: string[] }
interface Provider { name: string; version: string; capability: string; available: boolean; reason: string | null }

const NOTE_ID = 'subtitles-only-note';
let presets = new Map<string, Preset>();

/** Fills the preset and language choices, then matches the languages to the chosen preset. */
export async function fillChoices(select: HTMLSelectElement, box: HTMLElement): Promise<void> {
  const [list, pairs] = await Promise.all([
    api<{ items: Preset[] }>('/api/presets').then((r) => r.items),
    api<{ items: LanguagePair[] }>('/api/languages').then((r) => r.items),
  ]);
  presets = new Map(list.map((p) => [p.name, p]));
  select.replaceChildren(...list.map((p) => h('option', { value: p.name, selected: p.name === 'dub' }, p.description ? `${p.name}: ${p.description}` : p.name)));
  fillLanguages(box, pairs);
  matchPreset(select.value, box);
}

/** One checkbox per target some installed translator reaches; those without a voice marked "subtitles only". */
function fillLanguages(box: HTMLElement, pairs: LanguagePair[]): void {
  const targets = new Map<string, { sources: string[]; voiced: boolean }>();
  for (const p of pairs) {
    const t = targets.get(p.target) ?? { sources: [], voiced: false };
    t.sources.push(p.source);
    t.voiced ||= p.voices.length > 0;
    targets.set(p.target, t);
  }
  if (targets.size === 0) {
    box.replaceChildren(h('p', { class: 'muted' }, 'No translator is installed for any language pair; type language codes below.'));
    return;
  }
  box.replaceChildren(
    ...[...targets].map(([code, t]) => h('label', { class: t.voiced ? 'check' : 'check subtitles-only' },
      h('input', { type: 'checkbox', name: 'target', value: code, 'data-subtitles-only': !t.voiced }),
      // One text box beside the checkbox, so the label wraps as a line of text.
      h('span', {}, languageName(code), t.voiced ? null : h('span', { class: 'tag' }, ' (subtitles only)'),
        h('span', { class: 'muted' }, ` from ${t.sources.join(', ')}`)))),
    h('p', { id: NOTE_ID, class: 'muted note', hidden: true },
      'Subtitles only: no installed voice speaks these languages, and the chosen preset makes a dub. Choose a preset without a dub, or install a voice.'));
}

/** A preset that speaks (needs 'synthesize') cannot take a subtitles-only target: such boxes are unticked and disabled. */
export function matchPreset(presetName: string, box: HTMLElement): void {
  const dubs = presets.get(presetName)?.capabilities.includes('synthesize') ?? false;
  const silent = [...box.querySelectorAll<HTMLInputElement>('input[data-subtitles-only]')];
  for (const input of silent) {
    if (dubs) input.checked = false;
    input.disabled = dubs;
    if (dubs) input.setAttribute('aria-describedby', NOTE_ID);
    else input.removeAttribute('aria-describedby');
  }
  const note = box.querySelector<HTMLElement>(`#${NOTE_ID}`);
  if (note) note.hidden = !(dubs && silent.length > 0);
}

/** The target languages ticked and typed, without repeats. */
export function chosenLanguages(form: HTMLFormElement): string[] {
  const ticked = [...form.querySelectorAll<HTMLInputElement>('input[name=target]:checked')].map((c) => c.value);
  const typed = (form.querySelector<HTMLInputElement>('#other-languages')?.value ?? '').split(/[\s,]+/).filter(Boolean);
  return [...new Set([...ticked, ...typed.map((t) => t.toLowerCase())])];
}

/** One line per provider (the catalog has a row per capability; availability is the provider's). */
export async function showProviders(list: HTMLElement): Promise<void> {
  const rows = (await api<{ items: Provider[] }>('/api/providers')).items;
  const byName = new Map<string, { first: Provider; capabilities: string[] }>();
  for (const r of rows) {
    const p = byName.get(r.name) ?? { first: r, capabilities: [] };
    p.capabilities.push(r.capability);
    byName.set(r.name, p);
  }
  list.replaceChildren(...[...byName.values()].map(({ first: p, capabilities }) => h('li', { class: p.available ? 'ok' : 'down' },
    h('span', { class: 'badge' }, p.available ? 'available' : 'unavailable'), ' ',
    h('strong', {}, p.name), h('span', { class: 'muted' }, ` ${p.version} · ${capabilities.join(', ')}`),
    p.reason ? h('div', { class: 'reason' }, p.reason) : null)));
}
