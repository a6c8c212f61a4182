import { languageCode } from '../../plugins/sdk/languages.js';
import type { StageOutput, StageParams } from '../../plugins/sdk/plugin.js';
import type { Plan, PlanStep } from './plan.js';

/**
 * Which source language each step of a job runs with, when the job did not give one.
 *
 * The plan's 'source-language' step decides it from content and tags; every step downstream of
 * it gets the decided language as params.sourceLanguage. Steps that are not downstream of it
 * but of extraction (finding subtitles, recognizing speech) get the audio stream's tag only as
 * params.sourceLanguageHint: tags lie, so it may rank choices and pick providers, not reject
 * content. A plan without a decision step (an older user preset) takes the tag as the language
 * after extraction, as before.
 *
 * What a step gets depends only on its ancestors' outputs, never on timing, so its cache key is
 * the same on a re-run or after a crash.
 */
export class SourceLanguages {
  private readonly ancestors = new Map<string, Set<string>>();
  private readonly deciderId: string | undefined;
  /** Steps that read the source's audio stream (and so know its tag). */
  private readonly extractIds: Set<string>;
  private tag?: string;
  private decided?: string;

  constructor(plan: Plan) {
    const byId = new Map(plan.steps.map((s) => [s.id, s]));
    const visit = (s: PlanStep): Set<string> => {
      const known = this.ancestors.get(s.id);
      if (known) return known;
      const all = new Set<string>();
      for (const ref of Object.values(s.inputs)) {
        const dep = byId.get(ref);
        if (!dep) continue;
        all.add(dep.id);
        for (const a of visit(dep)) all.add(a);
      }
      this.ancestors.set(s.id, all);
      return all;
    };
    plan.steps.forEach(visit);
    this.extractIds = new Set(plan.steps.filter((s) => s.capability === 'extract').map((s) => s.id));
    this.deciderId = (plan.steps.find((s) => s.capability === 'source-language') ?? plan.steps.find((s) => s.capability === 'extract'))?.id;
  }

  /** Takes note of a finished step: the extract step's tag, the decision step's language. */
  record(step: PlanStep, out: StageOutput): void {
    const language = languageCode((out.data as { language?: unknown } | null)?.language);
    if (step.capability === 'extract') this.tag ??= language;
    if (step.id === this.deciderId) this.decided = step.capability === 'extract' ? this.tag : language;
  }

  /** The step's params with the source language (or the hint) filled in where the job gave none. */
  paramsFor(step: PlanStep): StageParams {
    const params = { ...step.params } as StageParams;
    if (languageCode(params.sourceLanguage)) return params;
    const upstream = this.ancestors.get(step.id) ?? new Set<string>();
    if (this.deciderId && upstream.has(this.deciderId)) {
      if (this.decided) params.sourceLanguage = this.decided;
    } else if (this.tag && [...upstream].some((id) => this.extractIds.has(id))) {
      params.sourceLanguageHint = this.tag;
    }
    return params;
  }
}
