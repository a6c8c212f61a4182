/**
 * The source-language decision, as a pure function of the evidence. The order:
 *  1. the user's language (--from), whatever the content says;
 *  2. content identified with at least `minConfidence`: the subtitle text first (it is the text
 *     that gets translated), then the audio;
 *  3. labels: the subtitle file's or stream's tag, the speech recognizer's language (the text is
 *     in it by construction), then the audio stream's tag.
 * Content below `minConfidence` never decides, not even with no tag at all: a guess from a few
 * words ("OK. No.") is worse than asking the user. A tag is never "und": unknown tags never
 * reach here as evidence.
 */
import { lookupLanguage, type LanguageEvidence, type SourceLanguageDecision } from '../sdk/index.js';

export interface Identified { language: string; confidence: number; source: string }

export interface DecisionInput {
  given?: string;
  /** Text identification of subtitles used as the source (not of recognizer output: that is in the recognizer's language). */
  subtitleText?: Identified;
  /** The best candidate of an identify-language provider. */
  audio?: Identified;
  subtitleTag?: { language: string; source: string };
  recognizer?: { language: string; source: string };
  audioTag?: string;
  minConfidence: number;
}

const name = (code: string) => lookupLanguage(code)?.name ?? code;
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The decision, or undefined when nothing at all names a language. */
export function decideSourceLanguage(d: DecisionInput): SourceLanguageDecision | undefined {
  const evidence: LanguageEvidence[] = [];
  if (d.given) evidence.push({ method: 'user', language: d.given });
  if (d.subtitleText) evidence.push({ method: 'subtitle-text', ...d.subtitleText });
  if (d.audio) evidence.push({ method: 'audio', ...d.audio });
  if (d.subtitleTag) evidence.push({ method: 'subtitle-tag', ...d.subtitleTag });
  if (d.recognizer) evidence.push({ method: 'recognizer', ...d.recognizer });
  if (d.audioTag) evidence.push({ method: 'audio-tag', language: d.audioTag });

  const content = evidence.filter((e) => e.method === 'subtitle-text' || e.method === 'audio');
  const labels = evidence.filter((e) => e.method === 'subtitle-tag' || e.method === 'recognizer' || e.method === 'audio-tag');
  const chosen = evidence.find((e) => e.method === 'user')
    ?? content.find((e) => (e.confidence ?? 0) >= d.minConfidence)
    ?? labels[0];
  if (!chosen) return undefined;
  const decision: Omit<SourceLanguageDecision, 'note'> = {
    language: chosen.language,
    decidedBy: chosen.method,
    ...(chosen.confidence !== undefined ? { confidence: chosen.confidence } : {}),
    ...(d.audioTag ? { audioTag: d.audioTag } : {}),
    overridesTag: d.audioTag !== undefined && d.audioTag !== chosen.language,
    minConfidence: d.minConfidence,
    evidence,
  };
  return { ...decision, note: describe(decision, chosen, evidence) };
}

function describe(d: Omit<SourceLanguageDecision, 'note'>, chosen: LanguageEvidence, all: LanguageEvidence[]): string {
  const how: Record<LanguageEvidence['method'], string> = {
    user: 'as given',
    'subtitle-text': `from the subtitle text (${chosen.source}: ${pct(chosen.confidence ?? 0)} confident)`,
    audio: `from the audio (${chosen.source}: ${pct(chosen.confidence ?? 0)} confident)`,
    'subtitle-tag': `from the subtitles' language tag (${chosen.source})`,
    recognizer: `the language of the speech recognizer that made the transcript (${chosen.source})`,
    'audio-tag': "from the audio stream's language tag",
  };
  const parts = [`${name(d.language)}, ${how[chosen.method]}`];
  if (chosen.method === 'recognizer' && !d.audioTag) parts.push('the audio is not tagged and no subtitles were used, so this is an assumption');
  if (chosen.method !== 'user' && chosen.confidence === undefined) {
    const weak = all.filter((e) => (e.method === 'subtitle-text' || e.method === 'audio') && e !== chosen);
    if (weak.length) parts.push(`content evidence was below ${pct(d.minConfidence)}: ${weak.map((e) => `${e.method} ${name(e.language)} ${pct(e.confidence ?? 0)}`).join(', ')}`);
  }
  if (d.overridesTag) parts.push(`the audio stream's tag said ${name(d.audioTag!)} and was overruled`);
  const disagree = all.filter((e) => e !== chosen && e.language !== d.language && (e.method === 'subtitle-text' || e.method === 'audio')
    && (e.confidence ?? 0) >= d.minConfidence);
  if (disagree.length) parts.push(`disagreeing: ${disagree.map((e) => `${e.method} ${name(e.language)} ${pct(e.confidence ?? 0)}`).join(', ')}`);
  return `${parts.join('; ')}.`;
}
