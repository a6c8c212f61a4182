/**
 * Which voice each speaker of a translation gets, for every synthesize provider. A diarized
 * speaker ('S<n>', numbered by a series' speaker library) always gets voice n - 1 (cycled), so
 * the same character keeps the same voice in every episode, whoever speaks first. Other labels
 * (names from subtitles) take voices by first appearance, the ones no diarized speaker holds
 * first. Segments without a speaker are left to the provider's plain voice.
 */
const LIBRARY_ID = /^S([1-9]\d*)$/;

/** The library number of a diarized speaker id ('S3' -> 3), undefined for other labels. */
export function speakerNumber(id: string): number | undefined {
  const m = LIBRARY_ID.exec(id);
  return m ? Number(m[1]) : undefined;
}

export function assignSpeakerVoices<V>(speakers: ReadonlyArray<string | undefined>, voices: readonly V[]): Map<string, V> {
  const assigned = new Map<string, V>();
  if (voices.length === 0) return assigned;
  const seen = [...new Set(speakers.filter((s): s is string => s !== undefined))];
  const held = new Set<number>();
  for (const s of seen) {
    const n = speakerNumber(s);
    if (n === undefined) continue;
    const i = (n - 1) % voices.length;
    assigned.set(s, voices[i]!);
    held.add(i);
  }
  const free = voices.map((_, i) => i).filter((i) => !held.has(i));
  const order = free.length ? free : voices.map((_, i) => i);
  let next = 0;
  for (const s of seen) {
    if (assigned.has(s)) continue;
    assigned.set(s, voices[order[next % order.length]!]!);
    next++;
  }
  return new Map(seen.map((s) => [s, assigned.get(s)!]));
}
