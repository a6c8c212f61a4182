/**
 * Where the preview goes: the stretch of the film with the most dubbed speech, so a viewer
 * hears the dub within the first seconds instead of an opening title.
 */
export interface Span {
  startMs: number;
  endMs: number;
}

/** Speech shortly before the window would start mid-word; the window opens this much before a line. */
const LEAD_MS = 1000;

export interface PreviewWindow extends Span {
  /** Dubbed speech inside the window, ms. */
  speechMs: number;
}

function speechIn(lines: readonly Span[], from: number, to: number): number {
  let total = 0;
  for (const l of lines) total += Math.max(0, Math.min(l.endMs, to) - Math.max(l.startMs, from));
  return total;
}

/**
 * The `lengthMs` window of [0, durationMs] holding the most of `lines` (the whole film when it
 * is shorter). Windows are tried opening LEAD_MS before each line (the best window always has a
 * line starting near its edge); ties go to the earliest, so the choice is stable.
 */
export function densestSpeech(lines: readonly Span[], durationMs: number, lengthMs: number): PreviewWindow {
  if (durationMs <= lengthMs) return { startMs: 0, endMs: durationMs, speechMs: speechIn(lines, 0, durationMs) };
  let best: PreviewWindow = { startMs: 0, endMs: lengthMs, speechMs: speechIn(lines, 0, lengthMs) };
  for (const line of lines) {
    const startMs = Math.max(0, Math.min(durationMs - lengthMs, line.startMs - LEAD_MS));
    const speechMs = speechIn(lines, startMs, startMs + lengthMs);
    if (speechMs > best.speechMs || (speechMs === best.speechMs && startMs < best.startMs)) best = { startMs, endMs: startMs + lengthMs, speechMs };
  }
  return best;
}
