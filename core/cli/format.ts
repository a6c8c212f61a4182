import type { Job, JobEvent, StageRun } from '../jobs/store.js';

const pct = (x: number) => `${Math.round(x * 100)}%`.padStart(4);
const when = (ms?: number) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '-');

export function formatJobLine(j: Job): string {
  return `${j.id}  ${j.status.padEnd(9)} ${pct(j.progress)}  ${j.targetLanguages.join(',').padEnd(6)} ${j.preset.padEnd(8)} ${j.input}${j.error ? `  [${j.error.code}]` : ''}`;
}

export function formatJobDetail(j: Job, runs: StageRun[], events: JobEvent[]): string {
  const lines = [
    `job       ${j.id}`,
    `input     ${j.input}`,
    `status    ${j.status}${j.error ? `: ${j.error.code} ${j.error.message}` : ''}`,
    `progress  ${pct(j.progress)}${j.progressNote ? ` (${j.progressNote})` : ''}`,
    `preset    ${j.preset}   languages ${j.sourceLanguage ?? 'auto'} -> ${j.targetLanguages.join(', ')}`,
    `priority  ${j.priority}   origin ${j.origin}   attempts ${j.attempts}`,
    `created   ${when(j.createdAt)}   started ${when(j.startedAt)}   finished ${when(j.finishedAt)}`,
    '',
    'stages:',
    ...runs.map((r) => `  ${r.step.padEnd(16)} ${r.status.padEnd(9)} ${(r.provider ?? '').padEnd(14)} ${r.durationMs != null ? `${r.durationMs} ms` : ''}${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}${r.error ? `  ${r.error.code}: ${r.error.message}` : ''}`),
  ];
  const qa = (j.result as { qa?: unknown } | undefined)?.qa;
  if (qa) lines.push('', 'QA report:', ...JSON.stringify(qa, null, 2).split('\n').map((l) => `  ${l}`));
  const notable = events.filter((e) => e.type !== 'job.progress').slice(-15);
  if (notable.length) lines.push('', 'recent events:', ...notable.map((e) => `  ${when(e.ts)} ${e.type}${e.step ? ` ${e.step}` : ''}`));
  return lines.join('\n');
}
