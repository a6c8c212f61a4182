/**
 * Text to IPA phonemes with espeak-ng, for neural voices trained on espeak-ng's phonemes
 * (Piper, Kokoro). Many clauses go through one espeak-ng process: each on its own line
 * (`--stdin -l <large>` makes every line end a clause), each followed by a line holding a lone
 * full stop, for which espeak-ng prints an empty line, so the output splits back into one
 * group of lines per clause. When the count of empty lines is not the count of clauses (a
 * clause espeak-ng printed an empty line for), each clause is asked again on its own: slower,
 * never misaligned.
 */
import { runEspeak } from './espeak.js';
import { throwIfCancelled, type Cancellation } from './errors.js';
import { splitClauses, type Clause } from './speech-clauses.js';

export interface EspeakRunOptions {
  /** The espeak-ng program. */
  binary: string;
  /**
   * A character joining the letters of one phoneme ('^' prints 'a^ɪ' for the diphthong),
   * for a phoneme set that writes such phonemes as one symbol (Kokoro's); none by default.
   */
  tie?: string;
  /** The stage's ctx: checked between batches; its signal kills a running espeak-ng. */
  cancel?: Cancellation;
}

export interface EspeakIpaOptions extends EspeakRunOptions {
  /** The espeak-ng voice ('en-us', 'es'). */
  voice: string;
}

const SENTINEL = '.';
/** Clauses per espeak-ng process: large enough to amortize the start (~10 ms), small enough to cancel promptly. */
const BATCH = 256;
const SPEAKABLE = /[\p{L}\p{N}]/u;

/**
 * Each text's IPA, words separated by single spaces, stress marks kept, espeak-ng's
 * language-switch flags ("(en)" around a word it reads as English) removed, as Piper does.
 * A text with no letter or digit gets ''.
 */
export async function espeakIpa(texts: readonly string[], o: EspeakIpaOptions): Promise<string[]> {
  const out = texts.map(() => '');
  const asked = texts.map((t, i) => ({ i, line: t.replace(/\s+/gu, ' ').trim() })).filter((t) => SPEAKABLE.test(t.line));
  for (let b = 0; b < asked.length; b += BATCH) {
    if (o.cancel) throwIfCancelled(o.cancel);
    const batch = asked.slice(b, b + BATCH);
    const groups = splitGroups(await run(batch.map((t) => `${t.line}\n${SENTINEL}\n`).join(''), o));
    if (groups && groups.length === batch.length) {
      batch.forEach((t, k) => { out[t.i] = clean(groups[k]!); });
      continue;
    }
    for (const t of batch) out[t.i] = clean((await run(`${t.line}\n`, o)).split('\n'));
  }
  return out;
}

function run(stdin: string, o: EspeakIpaOptions): Promise<string> {
  const args = ['-q', '--ipa', ...(o.tie ? [`--tie=${o.tie}`] : []), '-v', o.voice, '--stdin', '-l', '1000000'];
  return runEspeak(o.binary, args, o.cancel?.signal, undefined, stdin);
}

/** Lines up to each empty line; undefined when lines follow the last empty one. */
function splitGroups(stdout: string): string[][] | undefined {
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const groups: string[][] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') { groups.push(current); current = []; } else current.push(line);
  }
  return current.length ? undefined : groups;
}

function clean(lines: readonly string[]): string {
  return lines.join(' ').replace(/\([^)]*\)/gu, '').replace(/\s+/gu, ' ').trim();
}

/** A text's clauses and each clause's IPA. */
export interface ClausePhonemes {
  clauses: Clause[];
  ipa: string[];
}

/**
 * Every unit's clauses and their IPA, the clauses of all units that share an espeak-ng voice
 * going through espeak-ng together (see espeakIpa): by unit id.
 */
export async function espeakUnits<U extends { id: string; target: string }>(
  units: readonly U[], espeakVoiceOf: (unit: U) => string, o: EspeakRunOptions,
): Promise<Map<string, ClausePhonemes>> {
  const clauses = new Map(units.map((u) => [u.id, splitClauses(u.target)]));
  const byVoice = new Map<string, U[]>();
  for (const u of units) byVoice.set(espeakVoiceOf(u), [...(byVoice.get(espeakVoiceOf(u)) ?? []), u]);
  const out = new Map<string, ClausePhonemes>();
  for (const [voice, group] of byVoice) {
    const ipa = await espeakIpa(group.flatMap((u) => clauses.get(u.id)!.map((c) => c.text)), { ...o, voice });
    let at = 0;
    for (const u of group) {
      const own = clauses.get(u.id)!;
      out.set(u.id, { clauses: own, ipa: ipa.slice(at, at + own.length) });
      at += own.length;
    }
  }
  return out;
}
