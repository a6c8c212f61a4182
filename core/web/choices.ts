/**
 * What a job can be made with: presets and target languages for the form, and the providers'
 * status, from the server's read-only catalog.
 */
import { api } from './api.js';
import { h } from './dom.js';
import { languageName } from './format.js';

interface Preset { name: string; description: string }
interface LanguagePair { source: string; target: string; translate: string[]; synthesize: string[] }
interface Provider { name: string; version: string; capabilities: string[]; available: boolean; reason?: string }

export async function fillPresets(select: HTMLSelectElement): Promise<void> {
  const presets = (await api<{ items: Preset[] }>('/api/presets')).items;
  select.replaceChildren(...presets.map((p) => h('option', { value: p.name, selected: p.name === 'dub' }, p.description ? `${p.name}: ${p.description}` : p.name)));
}

/** One checkbox per target language some installed translator and voice make possible. */
export async function fillLanguages(box: HTMLElement): Promise<void> {
  const pairs = (await api<{ items: LanguagePair[] }>('/api/languages')).items;
  const targets = new Map<string, string[]>();
  for (const p of pairs) targets.set(p.target, [...(targets.get(p.target) ?? []), p.source]);
  if (targets.size === 0) {
    box.replaceChildren(h('p', { class: 'muted' }, 'No language pair is installed with both a translator and a voice; type language codes below.'));
    return;
  }
  box.replaceChildren(...[...targets].map(([code, sources]) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'target', value: code }),
    ` ${languageName(code)}`, h('span', { class: 'muted' }, ` from ${sources.join(', ')}`))));
}

/** The target languages ticked and typed, without repeats. */
export function chosenLanguages(form: HTMLFormElement): string[] {
  const ticked = [...form.querySelectorAll<HTMLInputElement>('input[name=target]:checked')].map((c) => c.value);
  const typed = (form.querySelector<HTMLInputElement>('#other-languages')?.value ?? '').split(/[\s,]+/).filter(Boolean);
  return [...new Set([...ticked, ...typed.map((t) => t.toLowerCase())])];
}

export async function showProviders(list: HTMLElement): Promise<void> {
  const providers = (await api<{ items: Provider[] }>('/api/providers')).items;
  list.replaceChildren(...providers.map((p) => h('li', { class: p.available ? 'ok' : 'down' },
    h('span', { class: 'badge' }, p.available ? 'available' : 'unavailable'), ' ',
    h('strong', {}, p.name), h('span', { class: 'muted' }, ` ${p.version} · ${p.capabilities.join(', ')}`),
    p.reason ? h('div', { class: 'reason' }, p.reason) : null)));
}
