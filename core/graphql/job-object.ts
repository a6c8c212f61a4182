import type { Artifact } from '../service/artifacts.js';
import type { JobView } from '../service/job-view.js';

/** GraphQL enums are upper case; the service's values are lower case. */
export const upper = <T extends string>(v: T): Uppercase<T> => v.toUpperCase() as Uppercase<T>;
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A JobView in the schema's Job shape; `artifacts` is a field resolver (read only when asked for). */
export function jobObject(v: JobView) {
  return {
    id: v.id,
    status: upper(v.status),
    progress: v.progress,
    progressNote: v.progressNote,
    eta: v.etaSeconds,
    createdAt: iso(v.createdAt)!,
    startedAt: iso(v.startedAt),
    finishedAt: iso(v.finishedAt),
    input: v.input,
    preset: v.preset,
    sourceLanguage: v.sourceLanguage,
    targetLanguages: v.targetLanguages,
    outputMode: v.options.mode && upper(v.options.mode),
    error: v.error,
    stages: v.stages.map((s) => ({ ...s, status: upper(s.status) })),
    qa: v.qa,
    cost: v.cost && { ...v.cost, lines: v.cost.lines.map((l) => ({ ...l, state: upper(l.state) })) },
    warnings: v.warnings.map((w) => ({ code: w.code, message: w.message, at: iso(w.at)! })),
  };
}

export type JobObject = ReturnType<typeof jobObject>;

/** What clients see of an artifact: never where it lies on disk. */
export function artifactObject(a: Artifact) {
  return { name: a.name, kind: upper(a.kind), language: a.language, url: a.url, size: a.size };
}
