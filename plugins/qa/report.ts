/**
 * The QA report of a dub job: what the dub was made from and how well it fits, per target
 * language. Built from the documents the other stages return; read loosely, so a provider
 * that reports less still gets a report with what it did report.
 */
import { SourceLanguageDecision } from '../sdk/language-evidence.js';
import type { StageOutput } from '../sdk/plugin.js';
import { errorRate } from '../sdk/word-error-rate.js';
import { unitWordErrors, type TimedText } from './back-transcription.js';

export interface TargetReport {
  units: number;
  stretched?: number;
  overflows?: number;
  maxFactor?: number;
  factorHistogram?: Record<string, number>;
  /** Largest |placed start - source start| in the fit plan, ms. */
  maxPlacementErrorMs?: number;
  ttsRates?: { resynthesized: number; maxRate: number };
  loudness?: Record<string, number>;
  subtitles?: { cues: number; violations: number };
  /** What a recognizer hears in the dub, against the translation it should say. */
  backTranscription?: { provider: string; wordErrorRate: number } | { unavailable: string };
}

export interface QaReport {
  source: { kind: string; provider: string; detail?: string; language?: string };
  /** Which language the source was taken to be in, what decided it and what else was considered. */
  sourceLanguage?: SourceLanguageDecision;
  segments: { transcript: number; units: number; speech: number; speechMs: number };
  asrConfidence: number | null;
  targets: Record<string, TargetReport>;
  output?: { mode?: string; video?: string; written?: string[] };
}

type Doc = Record<string, unknown> | null | undefined;
const doc = (o: StageOutput | undefined): Doc => (o?.data ?? undefined) as Doc;
const arr = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? (v as Array<Record<string, unknown>>) : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function buildReport(inputs: Record<string, StageOutput>, targets: readonly string[]): QaReport {
  const text = doc(inputs.text);
  const segments = arr(text?.segments);
  const source = (text?.source ?? {}) as { kind?: string; provider?: string; detail?: string };
  const confidences = segments.map((s) => num(s.confidence)).filter((c): c is number => c !== undefined);
  const speech = arr(doc(inputs.vad)?.segments);
  const report: QaReport = {
    source: { kind: source.kind ?? 'unknown', provider: source.provider ?? 'unknown', detail: source.detail, language: text?.language as string | undefined },
    segments: {
      transcript: segments.length,
      units: arr(doc(inputs.units)?.segments).length,
      speech: speech.length,
      speechMs: speech.reduce((n, s) => n + (Number(s.end) - Number(s.start)), 0),
    },
    asrConfidence: source.kind === 'asr' && confidences.length ? round(confidences.reduce((a, b) => a + b, 0) / confidences.length) : null,
    targets: {},
  };
  // The decision step's own schema: a document that is not a decision is not reported as one.
  const decision = SourceLanguageDecision.safeParse(inputs.language?.data).data;
  if (decision) {
    report.sourceLanguage = decision;
    report.source.language = decision.language;
  }
  for (const lang of targets) {
    const fit = doc(inputs[`fit:${lang}`]);
    const units = arr(fit?.units);
    const summary = (fit?.summary ?? {}) as Record<string, unknown>;
    const rates = units.map((u) => num(u.rate) ?? 1);
    const mix = doc(inputs[`mix:${lang}`]);
    const subs = doc(inputs[`subtitles:${lang}`]);
    report.targets[lang] = {
      units: units.length,
      stretched: num(summary.stretched),
      overflows: num(summary.overflows),
      maxFactor: num(summary.maxFactor),
      factorHistogram: summary.histogram as Record<string, number> | undefined,
      maxPlacementErrorMs: units.length ? Math.max(...units.map((u) => Math.abs(Number(u.placedStart) - Number(u.start)))) : undefined,
      ttsRates: { resynthesized: rates.filter((r) => r > 1).length, maxRate: Math.max(1, ...rates) },
      loudness: mix?.loudness as Record<string, number> | undefined,
      subtitles: subs ? { cues: Number(subs.cues ?? 0), violations: arr(subs.violations).length } : undefined,
      backTranscription: backTranscription(doc(inputs[`translate:${lang}`]), units, doc(inputs[`back:${lang}`]), lang),
    };
  }
  const mux = doc(inputs.mux);
  if (mux) report.output = { mode: mux.mode as string, video: mux.video as string | undefined, written: mux.written as string[] | undefined };
  return report;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function backTranscription(translation: Doc, fitUnits: ReadonlyArray<Record<string, unknown>>, heard: Doc, lang: string): TargetReport['backTranscription'] {
  if (!heard) return { unavailable: `no speech recognizer for '${lang}' is installed` };
  const provider = String((heard.source as { provider?: string } | undefined)?.provider ?? 'unknown');
  return { provider, wordErrorRate: round(errorRate(unitWordErrors(dubUnits(translation, fitUnits), heardWords(heard)))) };
}

/** Each unit's target text where its dub clip was placed (its source slot when the fit plan lacks it). */
function dubUnits(translation: Doc, fitUnits: ReadonlyArray<Record<string, unknown>>): TimedText[] {
  const placed = new Map(fitUnits.map((u) => [String(u.id), u]));
  return arr(translation?.segments).map((s) => {
    const start = num(s.start) ?? 0;
    const length = Math.max(0, (num(s.end) ?? start) - start);
    const fit = placed.get(String(s.id));
    const at = num(fit?.placedStart) ?? start;
    return { start: at, end: num(fit?.placedEnd) ?? at + length, text: String(s.target ?? '') };
  });
}

/** The recognized words with their times; a segment without word timings spreads its words evenly. */
function heardWords(heard: Doc): TimedText[] {
  return arr(heard?.segments).flatMap((s) => {
    const timed = arr(s.words).filter((w) => num(w.start) !== undefined && num(w.end) !== undefined);
    if (timed.length) return timed.map((w) => ({ start: w.start as number, end: w.end as number, text: String(w.text ?? '') }));
    const words = String(s.text ?? '').split(/\s+/).filter(Boolean);
    const start = num(s.start) ?? 0;
    const step = ((num(s.end) ?? start) - start) / Math.max(1, words.length);
    return words.map((text, i) => ({ start: start + i * step, end: start + (i + 1) * step, text }));
  });
}
