import { z } from 'zod';
import { DubarrError } from '../../plugins/sdk/errors.js';

/**
 * A preset is data: a stage graph template. Steps marked perTarget are expanded once per
 * target language (id 'translate' -> 'translate:es', 'translate:ca'); a shared step that
 * consumes a perTarget step receives one input per language ('mix' -> 'mix:es', 'mix:ca').
 */
export const PresetStep = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'step ids are lower-case words'),
  capability: z.string(),
  /** Fixed provider (plugin name); otherwise chosen by preference and language support. */
  provider: z.string().optional(),
  /**
   * Plugin options for this step, by plugin name, over the configured ones (a job's own
   * overrides still win): `{ whisper: { model: whisper-small } }` names the model the step runs.
   */
  options: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** input name -> step id, or 'source' for the job's media. */
  inputs: z.record(z.string(), z.string()).default({}),
  perTarget: z.boolean().default(false),
  /** Relative share of the job's progress bar. */
  weight: z.number().positive().default(1),
  /** false: always run (side effects such as writing the user's output); its files live only for the job. */
  cache: z.boolean().default(true),
  params: z.record(z.string(), z.unknown()).default({}),
  /**
   * Job-level parameters this step reads (e.g. 'mode', 'outDir'). Only these reach it, so a
   * change of output mode does not invalidate the cached analysis of every other step.
   */
  jobParams: z.array(z.string()).default([]),
  /**
   * Skip the step (its consumers get no document) instead of failing the job when no provider
   * can do it: none is available for its languages, or every one declines (E_NOT_APPLICABLE,
   * an engine that cannot identify itself).
   */
  optional: z.boolean().default(false),
  /** For per-target steps that work on the dub itself (recognizing it): the target is their source language. */
  sourceIsTarget: z.boolean().default(false),
});
export type PresetStep = z.infer<typeof PresetStep>;

export const Preset = z.object({
  description: z.string().default(''),
  steps: z.array(PresetStep).min(1),
});
export type Preset = z.infer<typeof Preset>;
export type PresetInput = z.input<typeof Preset>;

export interface PlanStep {
  id: string;
  capability: string;
  provider?: string;
  /** Plugin option overrides by plugin name, from the preset step. */
  options?: Record<string, Record<string, unknown>>;
  inputs: Record<string, string>;
  params: Record<string, unknown>;
  weight: number;
  cache: boolean;
  optional: boolean;
}

export interface Plan {
  preset: string;
  steps: PlanStep[];
}

export interface PlanRequest {
  preset: string;
  sourceLanguage?: string;
  targetLanguages: string[];
  /** Explicit providers per capability (job options), overriding the preset's. */
  providers?: Record<string, string>;
  params?: Record<string, unknown>;
}

export function expandPreset(name: string, preset: Preset, req: PlanRequest): Plan {
  const perTarget = new Set(preset.steps.filter((s) => s.perTarget).map((s) => s.id));
  const known = new Set(preset.steps.map((s) => s.id));
  if (perTarget.size > 0 && req.targetLanguages.length === 0) {
    throw new DubarrError('E_INVALID_ARGUMENT', `Preset '${name}' needs at least one target language`);
  }
  const steps: PlanStep[] = [];
  for (const s of preset.steps) {
    for (const ref of Object.values(s.inputs)) {
      if (ref !== 'source' && !known.has(ref)) throw new DubarrError('E_INVALID_ARGUMENT', `Preset '${name}': step '${s.id}' reads unknown step '${ref}'`);
    }
    const langs = s.perTarget ? req.targetLanguages : [undefined];
    const gathers = !s.perTarget && Object.values(s.inputs).some((ref) => perTarget.has(ref));
    for (const lang of langs) {
      const inputs: Record<string, string> = {};
      for (const [inputName, ref] of Object.entries(s.inputs)) {
        if (!perTarget.has(ref)) inputs[inputName] = ref;
        else if (lang) inputs[inputName] = `${ref}:${lang}`;
        else for (const t of req.targetLanguages) inputs[`${inputName}:${t}`] = `${ref}:${t}`;
      }
      steps.push({
        id: lang ? `${s.id}:${lang}` : s.id,
        capability: s.capability,
        provider: req.providers?.[s.capability] ?? s.provider,
        ...(s.options ? { options: s.options } : {}),
        inputs,
        params: {
          ...Object.fromEntries(s.jobParams.filter((k) => req.params?.[k] !== undefined).map((k) => [k, req.params![k]])),
          ...s.params,
          ...(s.sourceIsTarget && lang ? { sourceLanguage: lang } : req.sourceLanguage ? { sourceLanguage: req.sourceLanguage } : {}),
          // A step that gathers every language's results is told which languages there are.
          ...(lang ? { targetLanguage: lang } : gathers ? { targetLanguages: req.targetLanguages } : {}),
        },
        weight: s.weight,
        cache: s.cache,
        optional: s.optional,
      });
    }
  }
  topologicalOrder(steps);
  return { preset: name, steps };
}

/** Steps ordered so every step comes after its inputs; throws on a cycle. */
export function topologicalOrder(steps: PlanStep[]): PlanStep[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const out: PlanStep[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: PlanStep, path: string[]) => {
    if (state.get(s.id) === 'done') return;
    if (state.get(s.id) === 'visiting') throw new DubarrError('E_INVALID_ARGUMENT', `Preset has a cycle: ${[...path, s.id].join(' -> ')}`);
    state.set(s.id, 'visiting');
    for (const ref of Object.values(s.inputs)) {
      const dep = byId.get(ref);
      if (dep) visit(dep, [...path, s.id]);
    }
    state.set(s.id, 'done');
    out.push(s);
  };
  for (const s of steps) visit(s, []);
  return out;
}
