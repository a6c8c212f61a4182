/** A distinct voice variant per speaker, stable for a given transcript: by first appearance. */
export function assignSpeakerVariants(speakers: ReadonlyArray<string | undefined>, variants: readonly string[]): Map<string, string> {
  const assigned = new Map<string, string>();
  for (const s of speakers) {
    if (s !== undefined && !assigned.has(s)) assigned.set(s, variants[assigned.size % variants.length]!);
  }
  return assigned;
}
