/**
 * Cuts a unit that is too long, recursively, until every part fits or cannot be cut. The
 * cut is, in order of preference: after a sentence, after a clause (, ; : … ¿ ¡ dashes),
 * at the largest pause (word timings, or a VAD gap), else between the words nearest the
 * middle. A cut that leaves both parts at least minMs long is preferred; among cuts of the
 * same kind the one nearest the middle wins (the largest, for pauses). Never mid-word.
 */
import type { Piece } from './merge.js';
import { boundaryKind, type BoundaryKind } from '../sdk/punctuation.js';
import { tokenize, type Token } from './tokens.js';

export interface SplitOptions {
  minMs: number;
  maxMs: number;
}

export interface Span {
  start: number;
  end: number;
}

interface Cut {
  /** The cut falls after token `after`. */
  after: number;
  kind: BoundaryKind;
  leftEnd: number;
  rightStart: number;
  pause: number;
}

export function splitLong(unit: Piece, pauses: readonly Span[], o: SplitOptions): Piece[] {
  if (unit.end - unit.start <= o.maxMs) return [unit];
  const tokens = tokenize(unit.text, unit.words);
  if (tokens.length < 2) return [unit];
  const cut = chooseCut(cutsOf(unit, tokens, pauses), unit, o.minMs);
  const [left, right] = apply(unit, tokens, cut);
  return [...splitLong(left, pauses, o), ...splitLong(right, pauses, o)];
}

function cutsOf(unit: Piece, tokens: Token[], pauses: readonly Span[]): Cut[] {
  const timed = tokens.every((t) => t.start !== undefined);
  const total = tokens.reduce((n, t) => n + t.text.length, 0) + tokens.length - 1;
  const dur = unit.end - unit.start;
  let chars = 0;
  const cuts: Cut[] = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    chars += tokens[i]!.text.length + 1;
    const kind = boundaryKind(tokens[i]!.text, tokens[i + 1]!.text);
    if (timed) {
      const leftEnd = clamp(tokens[i]!.end!, unit.start, unit.end);
      const rightStart = clamp(tokens[i + 1]!.start!, leftEnd, unit.end);
      cuts.push({ after: i, kind, leftEnd, rightStart, pause: rightStart - leftEnd });
    } else {
      const at = Math.round(unit.start + (dur * (chars - 0.5)) / total);
      cuts.push({ after: i, kind, leftEnd: at, rightStart: at, pause: 0 });
    }
  }
  if (!timed) placePauses(cuts, unit, pauses);
  return cuts;
}

/**
 * Without word timings, a cut's time is a guess from its place in the text. A VAD pause
 * inside the unit moves a guessed cut onto it — the text is read there. Speakers pause at
 * punctuation, so within reach of the pause the strongest cut wins, then the nearest.
 */
function placePauses(cuts: Cut[], unit: Piece, pauses: readonly Span[]): void {
  const reach = Math.max(1500, (unit.end - unit.start) / 4);
  const strength = { sentence: 0, clause: 1, word: 2 } as const;
  for (const p of pauses) {
    if (p.start <= unit.start || p.end >= unit.end) continue;
    const mid = (p.start + p.end) / 2;
    const dist = (c: Cut) => Math.abs((c.leftEnd + c.rightStart) / 2 - mid);
    const near = cuts.filter((c) => dist(c) <= reach);
    const best = near.sort((a, b) => strength[a.kind] - strength[b.kind] || dist(a) - dist(b))[0];
    if (best && p.end - p.start > best.pause) Object.assign(best, { leftEnd: p.start, rightStart: p.end, pause: p.end - p.start });
  }
  // Moving cuts onto pauses must not make cut times run backwards.
  for (let i = 1; i < cuts.length; i++) {
    if (cuts[i]!.leftEnd < cuts[i - 1]!.rightStart) {
      const t = cuts[i - 1]!.rightStart;
      Object.assign(cuts[i]!, { leftEnd: t, rightStart: Math.max(t, cuts[i]!.rightStart), pause: Math.max(0, cuts[i]!.rightStart - t) });
    }
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function chooseCut(cuts: Cut[], unit: Piece, minMs: number): Cut {
  const roomy = cuts.filter((c) => c.leftEnd - unit.start >= minMs && unit.end - c.rightStart >= minMs);
  const pool = roomy.length ? roomy : cuts;
  const mid = (unit.start + unit.end) / 2;
  const offMiddle = (c: Cut) => Math.abs((c.leftEnd + c.rightStart) / 2 - mid);
  const nearestMiddle = (cs: Cut[]) => cs.reduce((a, b) => (offMiddle(b) < offMiddle(a) ? b : a));
  for (const kind of ['sentence', 'clause'] as const) {
    const ofKind = pool.filter((c) => c.kind === kind);
    if (ofKind.length) return nearestMiddle(ofKind);
  }
  const paused = pool.filter((c) => c.pause > 0);
  if (paused.length) {
    const longest = Math.max(...paused.map((c) => c.pause));
    return nearestMiddle(paused.filter((c) => c.pause === longest));
  }
  return nearestMiddle(pool);
}

function apply(unit: Piece, tokens: Token[], cut: Cut): [Piece, Piece] {
  const text = (ts: Token[]) => ts.map((t) => t.text).join(' ');
  const base = { ...(unit.speaker !== undefined ? { speaker: unit.speaker } : {}), ...(unit.confidence !== undefined ? { confidence: unit.confidence } : {}) };
  const left: Piece = { ...base, start: unit.start, end: cut.leftEnd, text: text(tokens.slice(0, cut.after + 1)) };
  const right: Piece = { ...base, start: cut.rightStart, end: unit.end, text: text(tokens.slice(cut.after + 1)) };
  if (unit.words) {
    // Words go to the side their middle falls on.
    const boundary = (cut.leftEnd + cut.rightStart) / 2;
    left.words = unit.words.filter((w) => (w.start + w.end) / 2 < boundary);
    right.words = unit.words.filter((w) => (w.start + w.end) / 2 >= boundary);
  }
  return [left, right];
}
