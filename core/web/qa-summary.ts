/**
 * The QA report (plugins/qa/report.ts) as people read it: per target language, how much the
 * dub was stretched (a histogram), how far lines moved, loudness against the source, subtitle
 * rule breaks and what a recognizer heard; the raw JSON behind a disclosure. Read loosely,
 * like the report itself: a field a provider did not report is left out.
 */
import { h } from './dom.js';
import { duration, languageName } from './format.js';

interface TargetReport {
  units?: number; stretched?: number; overflows?: number; maxFactor?: number;
  factorHistogram?: Record<string, number>;
  maxPlacementErrorMs?: number;
  ttsRates?: { resynthesized: number; maxRate: number };
  loudness?: Record<string, unknown>;
  subtitles?: { cues: number; violations: number };
  backTranscription?: { provider: string; wordErrorRate: number } | { unavailable: string };
}

interface QaReport {
  source?: { kind?: string; provider?: string; language?: string };
  segments?: { transcript?: number; units?: number; speech?: number; speechMs?: number };
  asrConfidence?: number | null;
  targets?: Record<string, TargetReport>;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const row = (label: string, value: Node | string) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, value));

/** Bars sized by count: each a meter, so its value is read out, not only drawn. */
function histogram(buckets: Record<string, number>): HTMLElement {
  const entries = Object.entries(buckets);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const total = entries.reduce((s, [, n]) => s + n, 0);
  return h('table', { class: 'histogram' },
    h('caption', {}, 'Lines by stretch factor'),
    h('tbody', {}, ...entries.map(([bucket, n]) => h('tr', {},
      h('th', { scope: 'row' }, bucket === '1.00' ? 'not stretched' : `×${bucket}`),
      h('td', {}, h('meter', { min: 0, max, value: n, 'aria-label': `${n} of ${total} lines` }), ` ${n}`)))));
}

function loudness(l: Record<string, unknown>): string {
  const parts: string[] = [];
  if (isNum(l.dubLufsAfter)) parts.push(`dub ${l.dubLufsAfter} LUFS`);
  if (isNum(l.sourceLufs)) parts.push(`source ${l.sourceLufs} LUFS`);
  if (isNum(l.gainDb)) parts.push(`gain ${l.gainDb > 0 ? '+' : ''}${l.gainDb} dB`);
  if (isNum(l.dubTruePeakDbtp)) parts.push(`true peak ${l.dubTruePeakDbtp} dBTP${l.peakLimited ? ' (limited)' : ''}`);
  return parts.join(' · ') || 'not measured';
}

function target(lang: string, t: TargetReport): HTMLElement {
  const rows: HTMLElement[] = [];
  if (isNum(t.units)) rows.push(row('Lines', String(t.units)));
  if (isNum(t.stretched)) rows.push(row('Stretched', `${t.stretched} of ${t.units ?? '?'}${isNum(t.maxFactor) ? `, at most ×${t.maxFactor.toFixed(2)}` : ''}`));
  if (isNum(t.overflows)) rows.push(row('Overflowing their slot', String(t.overflows)));
  if (isNum(t.maxPlacementErrorMs)) rows.push(row('Largest placement error', duration(t.maxPlacementErrorMs)));
  if (t.ttsRates) rows.push(row('Spoken faster', t.ttsRates.resynthesized ? `${t.ttsRates.resynthesized} lines, up to ×${t.ttsRates.maxRate.toFixed(2)}` : 'none'));
  if (t.loudness) rows.push(row('Loudness', loudness(t.loudness)));
  if (t.subtitles) rows.push(row('Subtitles', `${t.subtitles.cues} cues, ${t.subtitles.violations === 0 ? 'no rule broken' : `${t.subtitles.violations} breaking a rule (line length, lines, reading speed)`}`));
  const bt = t.backTranscription;
  if (bt) rows.push(row('Heard back', 'unavailable' in bt ? bt.unavailable : `${Math.round(bt.wordErrorRate * 100)} % words wrong (${bt.provider})`));
  return h('section', { class: 'qa-target' },
    h('h4', {}, languageName(lang)),
    h('table', { class: 'facts' }, h('tbody', {}, ...rows)),
    t.factorHistogram && Object.keys(t.factorHistogram).length ? histogram(t.factorHistogram) : null);
}

export function qaSummary(qa: unknown): HTMLElement | null {
  if (!qa || typeof qa !== 'object') return null;
  const r = qa as QaReport;
  const facts: HTMLElement[] = [];
  const known = (v: string | undefined) => (v && v !== 'unknown' ? v : undefined);
  const from = [known(r.source?.kind), known(r.source?.provider)].filter(Boolean).join(' · ');
  if (from) facts.push(row('Speech from', from + (r.source?.language ? `, in ${languageName(r.source.language)}` : '')));
  if (r.segments && isNum(r.segments.speechMs)) facts.push(row('Speech', `${duration(r.segments.speechMs)} in ${r.segments.speech ?? 0} stretches`));
  if (isNum(r.asrConfidence)) facts.push(row('Recognizer confidence', `${Math.round(r.asrConfidence * 100)} %`));
  return h('section', { class: 'qa', 'aria-label': 'Quality report' },
    h('h3', {}, 'Quality report'),
    facts.length ? h('table', { class: 'facts' }, h('tbody', {}, ...facts)) : null,
    ...Object.entries(r.targets ?? {}).map(([lang, t]) => target(lang, t)),
    h('details', {}, h('summary', {}, 'Raw report (JSON)'), h('pre', {}, JSON.stringify(qa, null, 2))));
}
