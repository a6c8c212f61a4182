/** Test support: asserts the reading rules on finished cues (shared by the plan and stage tests). */
import assert from 'node:assert/strict';
import type { Limits, TimedLines, Violation } from './violations.js';

/** Every rule holds for every cue, or the cue is listed as breaking it. */
export function assertReadingRules(cues: readonly TimedLines[], violations: readonly Violation[], o: Limits): void {
  const listed = (cue: number, rule: string) => violations.some((v) => v.cue === cue && v.rule === rule);
  cues.forEach((c, i) => {
    const n = i + 1;
    const what = `cue ${n} ${c.start}-${c.end} ${JSON.stringify(c.lines)}`;
    assert.ok(c.end > c.start, `${what}: no duration`);
    if (i > 0) assert.ok(c.start >= cues[i - 1]!.end, `${what}: overlaps the previous cue`);
    if (i > 0 && c.start - cues[i - 1]!.end < o.minGapMs) assert.ok(listed(n - 1, 'min-gap'), `${what}: gap unlisted`);
    assert.ok(c.lines.length <= o.maxLines || listed(n, 'max-lines'), `${what}: too many lines`);
    for (const l of c.lines) assert.ok([...l].length <= o.maxLineChars || listed(n, 'max-line-chars'), `${what}: line too long`);
    const dur = c.end - c.start;
    assert.ok(dur >= o.minDurationMs || listed(n, 'min-duration'), `${what}: too short, unlisted`);
    const cps = c.lines.reduce((k, l) => k + [...l].length, 0) / (dur / 1000);
    assert.ok(cps <= o.maxCps + 1e-9 || listed(n, 'max-cps'), `${what}: ${cps.toFixed(1)} cps, unlisted`);
  });
  for (const v of violations) assert.ok(v.cue >= 1 && v.cue <= cues.length, `violation of a missing cue ${v.cue}`);
}
