import { SourceLanguageSummary } from '../../plugins/sdk/language-evidence.js';
import { dollars, type JobCost } from '../jobs/cost-ledger.js';
import type { Job, JobEvent, StageRun } from '../jobs/store.js';

const pct = (x: number) => `${Math.round(x * 100)}%`.padStart(4);
const when = (ms?: number) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '-');

export function formatJobLine(j: Job): string {
  return `${j.id}  ${j.status.padEnd(9)} ${pct(j.progress)}  ${j.targetLanguages.join(',').padEnd(6)} ${j.preset.padEnd(8)} ${j.input}${j.error ? `  [${j.error.code}]` : ''}`;
}

/** The source-language decision in a stored document (an event, the QA report), if it is one. */
const decisionIn = (data: unknown): SourceLanguageSummary | undefined => SourceLanguageSummary.safeParse(data).data;

/** 'en (subtitle-text 97%; audio tag de overruled)': the job's source-language decision in brief. */
function decisionText(d: SourceLanguageSummary): string {
  const how = `${d.decidedBy}${d.confidence !== undefined ? ` ${Math.round(d.confidence * 100)}%` : ''}`;
  return `${d.language} (${how}${d.overridesTag && d.audioTag ? `; audio tag ${d.audioTag} overruled` : ''})`;
}

export function formatJobDetail(j: Job, runs: StageRun[], events: JobEvent[], cost?: JobCost): string {
  // From the event, so a job that failed after deciding still shows what it decided.
  const decided = decisionIn(events.filter((e) => e.type === 'job.source-language').at(-1)?.data);
  const lines = [
    `job       ${j.id}`,
    `input     ${j.input}`,
    `status    ${j.status}${j.error ? `: ${j.error.code} ${j.error.message}` : ''}`,
    `progress  ${pct(j.progress)}${j.progressNote ? ` (${j.progressNote})` : ''}`,
    `preset    ${j.preset}   languages ${j.sourceLanguage ?? 'auto'}${decided && !j.sourceLanguage ? ` = ${decisionText(decided)}` : ''} -> ${j.targetLanguages.join(', ')}`,
    ...(decided?.note ? [`source    ${decided.note}`] : []),
    `priority  ${j.priority}   origin ${j.origin}   attempts ${j.attempts}`,
    `created   ${when(j.createdAt)}   started ${when(j.startedAt)}   finished ${when(j.finishedAt)}`,
    '',
    'stages:',
    ...runs.map((r) => `  ${r.step.padEnd(20)} ${r.status.padEnd(9)} ${(r.provider ?? '').padEnd(16)} ${r.durationMs != null ? `${r.durationMs} ms` : ''}${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}${r.error ? `  ${r.error.code}: ${r.error.message}` : ''}`),
  ];
  const qa = (j.result as { outputs?: Record<string, { data: unknown }> } | undefined)?.outputs?.qa?.data;
  if (qa) lines.push('', 'QA report:', ...JSON.stringify(qa, null, 2).split('\n').map((l) => `  ${l}`));
  if (cost) lines.push('', costHeadline(cost), ...cost.lines.map((l) => `  ${(l.step ?? '').padEnd(20)} ${(l.product ? `${l.provider} ${l.product}` : l.provider).padEnd(24)} ${`${round(l.quantity)} ${l.unit}`.padEnd(22)} ${(l.usd === undefined ? 'no price' : dollars(l.usd)).padEnd(10)} ${l.state}`));
  const warnings = events.filter((e) => e.type === 'job.warning').map((e) => e.data as { code?: string; message?: string } | undefined);
  if (warnings.length) lines.push('', 'warnings:', ...warnings.map((w) => `  ${w?.code ?? ''}: ${w?.message ?? ''}`));
  const notable = events.filter((e) => e.type !== 'job.progress').slice(-15);
  if (notable.length) lines.push('', 'recent events:', ...notable.map((e) => `  ${when(e.ts)} ${e.type}${e.step ? ` ${e.step}` : ''}`));
  return lines.join('\n');
}

interface QaLike {
  source?: { kind?: string; provider?: string };
  sourceLanguage?: unknown;
  targets?: Record<string, { units?: number; stretched?: number; overflows?: number; maxFactor?: number; loudness?: { sourceLufs?: number; dubLufsAfter?: number } }>;
  output?: { video?: string; written?: string[] };
}

/** The languages an in-place mux found already dubbed by dubarr (its document's `alreadyDubbed`). */
function alreadyDubbed(mux: unknown): string[] {
  const list = (mux as { alreadyDubbed?: unknown } | undefined)?.alreadyDubbed;
  return Array.isArray(list) ? list.filter((l): l is string => typeof l === 'string') : [];
}

/** What a finished dub produced, in a few lines: files written and the QA figures per language. */
export function formatDubSummary(j: Job, cost?: JobCost): string {
  const outputs = (j.result as { outputs?: Record<string, { data: unknown }> } | undefined)?.outputs ?? {};
  const qa = outputs.qa?.data as QaLike | undefined;
  const lines = [`job ${j.id} succeeded${qa?.source ? ` (source text: ${qa.source.kind} via ${qa.source.provider})` : ''}`];
  const decided = decisionIn(qa?.sourceLanguage);
  if (decided) lines.push(`  source language ${decisionText(decided)}`);
  // A preset without a QA step (film, podcast) still says what it wrote: the delivered files.
  const delivered = (j.result as { delivered?: unknown } | undefined)?.delivered;
  for (const f of qa?.output?.written ?? (Array.isArray(delivered) ? delivered as string[] : [])) lines.push(`  wrote ${f}`);
  const already = alreadyDubbed(outputs.mux?.data);
  if (already.length) lines.push(`  already dubbed: ${already.join(', ')} (the file carries dubarr's dub track; not added again)`);
  for (const [lang, t] of Object.entries(qa?.targets ?? {})) {
    const loud = t.loudness?.dubLufsAfter !== undefined ? `, dub ${t.loudness.dubLufsAfter} LUFS (source ${t.loudness.sourceLufs})` : '';
    lines.push(`  ${lang}: ${t.units ?? 0} units, ${t.stretched ?? 0} sped up (max x${t.maxFactor ?? 1}), ${t.overflows ?? 0} cut short${loud}`);
  }
  if (cost) lines.push(`  ${costHeadline(cost)}`);
  lines.push(`details: dubarr jobs show ${j.id}`);
  return lines.join('\n');
}

const round = (n: number) => Math.round(n * 100) / 100;

/** 'cloud cost $0.54 ($0.10 saved by the cache)'. */
function costHeadline(c: JobCost): string {
  return `cloud cost ${dollars(c.totalUsd)}${c.unpriced ? ' and unpriced use' : ''}${c.savedUsd > 0 ? ` (${dollars(c.savedUsd)} saved by the cache)` : ''}`;
}
