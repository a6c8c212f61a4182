/**
 * Which language a text is in, for subtitle text whose tag is missing or wrong. The identifier
 * is eld ("efficient language detector", n-gram tables, 60 languages) with its 'small' table:
 * on short subtitle lines it was the most accurate of the libraries measured (see
 * `npm run bench -- langid`), Catalan included, at ~0.1 ms a line.
 *
 * Subtitle cues are often sentence fragments, so lines are joined into chunks of a few words
 * before identification, and each chunk votes with its letter count. The confidence is the
 * share of identified letters that agree, scaled down when there is too little identifiable
 * text to be sure (a file of three cues never overrules a tag on its own).
 *
 * Not exported from the SDK index: loading the tables takes 0.5-1.5 s and ~50 MB, which only the
 * stages that identify text should pay.
 */
import { languageCode } from './languages.js';
import { loadOnce } from './load-once.js';
import { packageVersion } from './package-version.js';

/** Lines are joined until a chunk has this many letters: one cue alone is often a fragment. */
export const CHUNK_LETTERS = 40;
/** Below this many identified letters (about four subtitle lines) the confidence is scaled down. */
export const ENOUGH_LETTERS = 100;

export interface TextLanguageGuess {
  /** ISO 639-1 of the language most of the identified text is in; undefined when none could be identified. */
  language?: string;
  /** In [0, 1]: the agreeing share of identified letters, times min(1, identified / ENOUGH_LETTERS). */
  confidence: number;
  /** Letters in all lines, and in the chunks the identifier was sure of. */
  letters: number;
  identifiedLetters: number;
  /** The largest shares of identified letters, best first (at most three). */
  shares: Array<{ language: string; share: number }>;
  /** The identifier and its version, for reports. */
  identifier: string;
}

interface Detector { detect(text: string): { language: string; isReliable(): boolean } }

const loadDetector = loadOnce(async (): Promise<{ eld: Detector; name: string }> => {
  const m = await import('eld/small');
  return { eld: m.default as Detector, name: `eld ${packageVersion('eld', import.meta.resolve('eld/small'))} (small)` };
});

const lettersIn = (s: string): number => s.match(/\p{L}/gu)?.length ?? 0;

/** Consecutive lines joined until each chunk has CHUNK_LETTERS letters (the last may have fewer). */
export function chunkLines(lines: readonly string[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let letters = 0;
  for (const line of lines) {
    const n = lettersIn(line);
    if (n === 0) continue;
    current.push(line.trim());
    letters += n;
    if (letters >= CHUNK_LETTERS) { chunks.push(current.join(' ')); current = []; letters = 0; }
  }
  if (current.length) chunks.push(current.join(' '));
  return chunks;
}

export interface IdentifyOptions {
  /** Called every PROGRESS_CHUNKS chunks with the share done; it may throw to stop (a cancel). */
  onProgress?(fraction: number): void;
}

/** A film's subtitles are a few thousand chunks: report (and let a cancel in) this often. */
const PROGRESS_CHUNKS = 500;

export async function identifyTextLanguage(lines: readonly string[], o: IdentifyOptions = {}): Promise<TextLanguageGuess> {
  const { eld, name } = await loadDetector();
  const votes = new Map<string, number>();
  let letters = 0;
  let identified = 0;
  const chunks = chunkLines(lines);
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0 && i % PROGRESS_CHUNKS === 0) o.onProgress?.(i / chunks.length);
    const n = lettersIn(chunk);
    letters += n;
    const r = eld.detect(chunk);
    const code = languageCode(r.language);
    if (!code || !r.isReliable()) continue;
    votes.set(code, (votes.get(code) ?? 0) + n);
    identified += n;
  }
  const ranked = [...votes].sort((a, b) => b[1] - a[1]);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const shares = ranked.slice(0, 3).map(([language, n]) => ({ language, share: round(n / identified) }));
  const top = ranked[0];
  return {
    language: top?.[0],
    confidence: top ? round((top[1] / identified) * Math.min(1, identified / ENOUGH_LETTERS)) : 0,
    letters,
    identifiedLetters: identified,
    shares,
    identifier: name,
  };
}
