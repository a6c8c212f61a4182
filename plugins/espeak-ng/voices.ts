/**
 * Installed espeak-ng voices and the choice of one per language. `espeak-ng --voices` prints
 *   Pty Language       Age/Gender VoiceName          File                 Other Languages
 *    2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 * where a lower Pty is a better match and "(en 2)" says the voice also serves 'en' at
 * priority 2. MBROLA voices (File mb/...) need the separate mbrola program, so they are left out.
 */
import { lookupLanguage } from '../sdk/index.js';
import { runEspeak } from '../sdk/espeak.js';

export interface EspeakVoice {
  /** What `-v` takes: 'en-gb'. */
  language: string;
  name: string;
  file: string;
  priority: number;
  otherLanguages: Array<{ language: string; priority: number }>;
}

const LINE = /^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/;

export function parseVoiceList(out: string): EspeakVoice[] {
  const voices: EspeakVoice[] = [];
  for (const line of out.split('\n')) {
    const m = LINE.exec(line);
    if (!m || m[5]!.startsWith('mb/')) continue;
    const otherLanguages = [...m[6]!.matchAll(/\((\S+)\s+(\d+)\)/g)].map((o) => ({ language: o[1]!.toLowerCase(), priority: Number(o[2]) }));
    voices.push({ priority: Number(m[1]), language: m[2]!.toLowerCase(), name: m[4]!, file: m[5]!, otherLanguages });
  }
  return voices;
}

function baseCode(tag: string): string {
  const base = tag.split(/[-_]/)[0]!;
  return lookupLanguage(base)?.code || base;
}

/**
 * The voice for a language tag: the exact tag ('pt-br'), then the plain language ('es'),
 * then the voice that lists the language with the best priority ('en' -> en-gb (en 2),
 * 'zh' -> cmn), then any regional voice of it.
 */
export function pickVoice(voices: readonly EspeakVoice[], tag: string): string | undefined {
  const wanted = tag.trim().toLowerCase().replace(/_/g, '-');
  const base = baseCode(wanted);
  const exact = voices.find((v) => v.language === wanted) ?? voices.find((v) => v.language === base);
  if (exact) return exact.language;
  const scored = voices.flatMap((v) => [
    ...v.otherLanguages.filter((o) => o.language === wanted || o.language === base).map((o) => ({ v, p: o.priority })),
    ...(baseCode(v.language) === base ? [{ v, p: v.priority + 100 }] : []),
  ]);
  return scored.sort((a, b) => a.p - b.p)[0]?.v.language;
}

/** The languages the voices speak, as dubarr codes. */
export function voiceLanguages(voices: readonly EspeakVoice[]): string[] {
  const codes = new Set(voices.flatMap((v) => [v.language, ...v.otherLanguages.map((o) => o.language)].map(baseCode)));
  return [...codes].sort();
}

const RECHECK_FAILED_MS = 30_000;
const cache = new Map<string, { at: number; voices: Promise<EspeakVoice[]> }>();

/** The installed voices, listed once per binary (a failure is retried after a while). */
export function listVoices(binary: string): Promise<EspeakVoice[]> {
  const hit = cache.get(binary);
  if (hit && Date.now() - hit.at < RECHECK_FAILED_MS) return hit.voices;
  const entry = { at: Date.now(), voices: runEspeak(binary, ['--voices'], undefined, 4000).then(parseVoiceList) };
  cache.set(binary, entry);
  entry.voices.then(() => { entry.at = Infinity; }, () => { /* retried later */ });
  return entry.voices;
}
